"""The roles are declared once (core/roles.py); the README's table says the same."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from wagtail.models import GroupCollectionPermission, GroupPagePermission

from samenaanpak.core.roles import ROLES, sync_roles

# Wagtail's own migrations make these two; they are not ours.
WAGTAIL_DEFAULT_GROUPS = {"Editors", "Moderators"}


def readme_roles():
    text = (Path(settings.BASE_DIR) / "README.md").read_text()
    table = text.split("| group | may |", 1)[1].split("\n\n", 1)[0]
    return [
        tuple(cell.strip() for cell in row.strip().strip("|").split("|"))
        for row in table.strip().splitlines()[1:]  # skip the |---|---| line
    ]


def test_readme_table_matches_the_declared_roles():
    assert readme_roles() == [(role.readme_name, role.may) for role in ROLES]


@pytest.mark.django_db
def test_sync_roles_makes_the_groups_without_any_content_and_is_idempotent():
    call_command("sync_roles", stdout=open("/dev/null", "w"))
    assert set(Group.objects.values_list("name", flat=True)) - WAGTAIL_DEFAULT_GROUPS == {
        "Beheerder",
        "Redacteur",
        "Moderator",
        "Hulpverlener",
        "Vragen",
        "Meldpunt",
    }
    redacteur = Group.objects.get(name="Redacteur")
    assert redacteur.permissions.filter(codename="change_helpoffer").exists()
    counts = (
        Permission.objects.filter(group__isnull=False).count(),
        GroupCollectionPermission.objects.count(),
    )
    sync_roles()
    assert (
        Permission.objects.filter(group__isnull=False).count(),
        GroupCollectionPermission.objects.count(),
    ) == counts


@pytest.mark.django_db
def test_nijkerk_has_ten_groups_with_page_permissions_where_declared(nijkerk):
    names = set(Group.objects.values_list("name", flat=True)) - WAGTAIL_DEFAULT_GROUPS
    assert (
        len(names) == 10
        and {
            "Denktank Preventie",
            "Denktank Nazorg, familie en vrienden",
            "Denktank Behandeling",
            "Denktank Aanbod",
        }
        <= names
    )
    for name in ("Beheerder", "Redacteur"):
        pages = GroupPagePermission.objects.filter(group__name=name).values_list("page__url_path")
        assert set(pages) == {("/home/",)}
    assert not GroupPagePermission.objects.filter(
        group__name__in=["Vragen", "Meldpunt", "Moderator"]
    ).exists()
    vragen = Group.objects.get(name="Vragen").permissions.values_list("codename", flat=True)
    assert {"access_admin", "change_question", "add_faqentry"} <= set(vragen)
    meldpunt = Group.objects.get(name="Meldpunt").permissions.values_list("codename", flat=True)
    assert "change_category" in meldpunt and "manage_all_teams" not in meldpunt
    moderator = Group.objects.get(name="Moderator").permissions.values_list("codename", flat=True)
    assert {"access_admin", "moderate_idea", "view_idea", "view_comment"} <= set(moderator)
    assert "answer_all_ideas" not in moderator and "change_idea" not in moderator
    assert {"moderate_forum", "change_watchedword", "add_staffedperiod"} <= set(moderator)
    helper = Group.objects.get(name="Hulpverlener").permissions.values_list("codename", flat=True)
    assert set(helper) == {"access_admin"}
    think_tank = Group.objects.get(name="Denktank Preventie").permissions.values_list(
        "codename", flat=True
    )
    assert "change_idea" in think_tank and "answer_all_ideas" not in think_tank


def test_a_misspelt_permission_is_an_error(db):
    from samenaanpak.core.roles import permissions

    with pytest.raises(LookupError, match="plan.chnage_goal"):
        permissions(["plan.chnage_goal"])
    assert re.fullmatch(r"\w+", permissions(["questions.*"])[0].codename)
