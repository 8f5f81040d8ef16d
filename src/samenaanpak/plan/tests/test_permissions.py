"""Permission matrix: back-office roles x views. Everyone here has passed two-factor verification;
what they may open depends only on their group."""

import pytest
from django.urls import reverse

from samenaanpak.core.models import SiteSettings
from samenaanpak.plan.models import Action, ThinkTankPage

ALLOW, DENY, LOGIN = "allow", "deny", "login"


def _urls():
    preventie = ThinkTankPage.objects.get(slug="preventie")
    aanbod = ThinkTankPage.objects.get(slug="aanbod")
    action_a = Action.objects.filter(goal__think_tank=preventie).first()
    action_b = Action.objects.filter(goal__think_tank=aanbod).first()
    plan = ThinkTankPage.objects.get(slug="preventie").get_parent().get_parent()
    return {
        "dashboard": reverse("wagtailadmin_home"),
        "page_edit_own_think_tank": reverse("wagtailadmin_pages:edit", args=[preventie.pk]),
        "page_add_update_own_think_tank": reverse(
            "wagtailadmin_pages:add", args=["plan", "updatepage", preventie.pk]
        ),
        "page_edit_other_think_tank": reverse("wagtailadmin_pages:edit", args=[aanbod.pk]),
        "page_edit_home": reverse("wagtailadmin_pages:edit", args=[plan.pk]),
        "action_list": reverse("wagtailsnippets_plan_action:list"),
        "action_add": reverse("wagtailsnippets_plan_action:add"),
        "action_edit_own": reverse("wagtailsnippets_plan_action:edit", args=[action_a.pk]),
        "action_edit_other": reverse("wagtailsnippets_plan_action:edit", args=[action_b.pk]),
        "action_delete_other": reverse("wagtailsnippets_plan_action:delete", args=[action_b.pk]),
        "goal_list": reverse("wagtailsnippets_plan_goal:list"),
        "users": reverse("wagtailusers_users:index"),
        "groups": reverse("wagtailusers_groups:index"),
        "site_settings": reverse(
            "wagtailsettings:edit", args=["core", "sitesettings", SiteSettings.load().pk]
        ),
    }


MATRIX = {
    #                                 anoniem redacteur denktank beheerder
    "dashboard": (LOGIN, ALLOW, ALLOW, ALLOW),
    "page_edit_own_think_tank": (LOGIN, ALLOW, ALLOW, ALLOW),
    "page_add_update_own_think_tank": (LOGIN, ALLOW, ALLOW, ALLOW),
    "page_edit_other_think_tank": (LOGIN, ALLOW, DENY, ALLOW),
    "page_edit_home": (LOGIN, ALLOW, DENY, ALLOW),
    "action_list": (LOGIN, ALLOW, ALLOW, ALLOW),
    "action_add": (LOGIN, ALLOW, ALLOW, ALLOW),
    "action_edit_own": (LOGIN, ALLOW, ALLOW, ALLOW),
    "action_edit_other": (LOGIN, ALLOW, DENY, ALLOW),
    "action_delete_other": (LOGIN, ALLOW, DENY, ALLOW),
    "goal_list": (LOGIN, ALLOW, DENY, ALLOW),
    "users": (LOGIN, DENY, DENY, ALLOW),
    "groups": (LOGIN, DENY, DENY, ALLOW),
    "site_settings": (LOGIN, ALLOW, DENY, ALLOW),
}
ROLES = ["anoniem", "redacteur", "denktank_preventie", "beheerder"]


def outcome(response):
    if response.status_code == 200:
        return ALLOW
    if response.status_code == 302 and "/account/login/" in response["Location"]:
        return LOGIN
    if response.status_code in (403, 404) or (
        response.status_code == 302 and response["Location"] == "/beheer/"
    ):
        return DENY
    return f"unexpected {response.status_code} {response.get('Location', '')}"


@pytest.mark.django_db
@pytest.mark.parametrize("role_index, role", list(enumerate(ROLES)))
def test_permission_matrix(client, role_users, verified_login, role_index, role):
    user = role_users[role]
    if user is not None:
        verified_login(client, user)
    urls = _urls()
    results = {view: outcome(client.get(url)) for view, url in urls.items()}
    expected = {view: MATRIX[view][role_index] for view in urls}
    assert results == expected


@pytest.mark.django_db
def test_think_tank_member_sees_only_own_actions_in_list(client, role_users, verified_login):
    verified_login(client, role_users["denktank_preventie"])
    html = client.get(reverse("wagtailsnippets_plan_action:list")).content.decode()
    assert "Voorlichtingsavonden op middelbare scholen" in html  # preventie
    assert "Anoniem meldpunt op deze website" not in html  # aanbod


@pytest.mark.django_db
def test_think_tank_member_can_only_choose_own_goals(client, role_users, verified_login):
    verified_login(client, role_users["denktank_preventie"])
    html = client.get(reverse("wagtailsnippets_plan_action:add")).content.decode()
    assert "Groepsdruk omdraaien" in html  # a preventie goal
    assert "De meldingsbereidheid vergroten" not in html  # an aanbod goal


@pytest.mark.django_db
def test_think_tank_member_cannot_open_another_tanks_action_in_any_view(
    client, role_users, verified_login
):
    """Review fix: history and usage showed another think tank's action (edit and delete did not)."""
    verified_login(client, role_users["denktank_preventie"])
    own = Action.objects.filter(goal__think_tank__slug="preventie").first()
    other = Action.objects.exclude(goal__think_tank__slug="preventie").first()
    for view in ("edit", "delete", "history", "usage"):
        name = f"wagtailsnippets_plan_action:{view}"
        assert client.get(reverse(name, args=[own.pk])).status_code == 200, view
        assert client.get(reverse(name, args=[other.pk])).status_code == 404, view
