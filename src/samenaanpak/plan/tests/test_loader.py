import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from wagtail.models import GroupPagePermission, Page, Site

from samenaanpak.core.models import ContactPerson, HomePage, SiteSettings
from samenaanpak.plan.models import Action, ActionEvent, Goal, ThinkTankPage, UpdatePage


def snapshot():
    return {
        "pages": Page.objects.count(),
        "goals": Goal.objects.count(),
        "actions": Action.objects.count(),
        "events": ActionEvent.objects.count(),
        "contacts": ContactPerson.objects.count(),
        "groups": Group.objects.count(),
        "group_page_permissions": GroupPagePermission.objects.count(),
        "sites": Site.objects.count(),
    }


@pytest.mark.django_db
def test_loader_creates_the_nijkerk_content(nijkerk):
    assert Site.objects.get(is_default_site=True).root_page.specific == HomePage.objects.get()
    assert [tt.slug for tt in ThinkTankPage.objects.order_by("path")] == [
        "preventie",
        "nazorg-familie-en-vrienden",
        "behandeling",
        "aanbod",
    ]
    assert Goal.objects.count() == 11
    assert all(goal.think_tank_id for goal in Goal.objects.all())
    assert ContactPerson.objects.count() == 4
    assert Action.objects.filter(is_example=True).count() == Action.objects.count() > 0
    assert UpdatePage.objects.filter(is_example=True).count() == 5
    site_settings = SiteSettings.load()
    assert site_settings.policy_officer_name == "Vinita Simonse"
    assert site_settings.policy_officer_phone == "14033"
    assert [block.value["dial"] for block in site_settings.crisis_numbers] == [
        "112",
        "08000113",
        "08000432",
    ]
    for think_tank in ThinkTankPage.objects.all():
        assert think_tank.group.name.startswith("Denktank ")


@pytest.mark.django_db
def test_loader_is_idempotent_and_keeps_editors_changes(nijkerk):
    before = snapshot()
    plan = Page.objects.get(slug="plan-van-aanpak").specific
    plan.title = "Ons plan"
    plan.save_revision().publish()
    person = ContactPerson.objects.get(name="Lianne van Egmond")
    person.phone = "06-11111111"
    person.save()
    site_settings = SiteSettings.load()
    site_settings.policy_officer_phone = "033-1234567"
    site_settings.save()
    Action.objects.filter(title="Lotgenotengroep na behandeling").update(title="Lotgenotengroep")
    Page.objects.get(slug="denk-mee").delete()
    before["pages"] -= 1

    call_command("load_content", "nijkerk", stdout=open("/dev/null", "w"))
    call_command("load_nijkerk", stdout=open("/dev/null", "w"))  # the old name still works

    assert snapshot() == before
    assert not Page.objects.filter(slug="denk-mee").exists()  # a deleted page stays deleted
    assert not Action.objects.filter(title="Lotgenotengroep na behandeling").exists()
    assert Page.objects.get(slug="plan-van-aanpak").title == "Ons plan"
    assert ContactPerson.objects.get(name="Lianne van Egmond").phone == "06-11111111"
    assert SiteSettings.load().policy_officer_phone == "033-1234567"


@pytest.mark.django_db
def test_think_tank_group_may_edit_only_its_own_page(nijkerk):
    group = Group.objects.get(name="Denktank Preventie")
    pages = set(
        GroupPagePermission.objects.filter(group=group).values_list(
            "page__slug", "permission__codename"
        )
    )
    # Its own page in full; under /bijeenkomsten/ only "add" (proposing its own meetings).
    assert {slug for slug, _codename in pages} == {"preventie", "bijeenkomsten"}
    assert {codename for slug, codename in pages if slug == "bijeenkomsten"} == {"add_page"}
    assert not group.permissions.filter(codename="change_all_think_tanks").exists()
    assert (
        Group.objects.get(name="Redacteur")
        .permissions.filter(codename="change_all_think_tanks")
        .exists()
    )
    assert Group.objects.get(name="Beheerder").permissions.count() == Permission.objects.count()
