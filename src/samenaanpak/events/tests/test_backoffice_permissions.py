"""Who may see a meeting's registrations (personal data) and act on them: one matrix of roles ×
views. Only the organising think tank's group and the beheerders; not a redacteur, a moderator or
another think tank. A refused POST changes nothing (checked in the database)."""

import pytest
from django.urls import reverse

from samenaanpak.core.models import OutgoingEmail
from samenaanpak.events import services
from samenaanpak.events.models import EventPage

from .backoffice import evening, public_account, staff

ROLES = [
    "anoniem",
    "publiek",
    "andere_denktank",
    "organisator",
    "beheerder",
    "redacteur",
    "moderator",
]
OK, LOGIN, AWAY = 200, "login", "home"  # refused: to the login page, or home with a message
DONE = "done"  # the POST did its work
EMPTY = "empty"  # the list, without the meeting
MATRIX = {
    #        anoniem publiek andere organisator beheerder redacteur moderator
    "list": (LOGIN, LOGIN, EMPTY, OK, OK, AWAY, AWAY),
    "registrations": (LOGIN, LOGIN, AWAY, OK, OK, AWAY, AWAY),
    "signin": (LOGIN, LOGIN, AWAY, OK, OK, AWAY, AWAY),
    "csv": (LOGIN, LOGIN, AWAY, OK, OK, AWAY, AWAY),
    "mail_get": (LOGIN, LOGIN, AWAY, OK, OK, AWAY, AWAY),
    "mail_post": (LOGIN, LOGIN, AWAY, DONE, DONE, AWAY, AWAY),
    "cancel_get": (LOGIN, LOGIN, AWAY, OK, OK, AWAY, AWAY),
    "cancel_post": (LOGIN, LOGIN, AWAY, DONE, DONE, AWAY, AWAY),
}


@pytest.fixture
def people(nijkerk):
    return {
        "anoniem": None,
        "publiek": public_account("bewoner"),
        "andere_denktank": staff("lid-aanbod", "Denktank Aanbod"),
        "organisator": staff("lid-preventie", "Denktank Preventie"),
        "beheerder": staff("beheerder", "Beheerder"),
        "redacteur": staff("redacteur", "Redacteur"),
        "moderator": staff("moderator", "Moderator"),
    }


def outcome(response):
    if response.status_code == 200:
        return OK
    if response.status_code == 302:
        location = response["Location"]
        if location.split("?")[0].endswith("/login/"):  # the back office's two-factor login
            return LOGIN
        if location == reverse("wagtailadmin_home"):
            return AWAY
        return f"302 to {location}"
    return f"unexpected {response.status_code}"


def check(client, name, event):
    pk = event.pk
    if name == "list":
        response = client.get(reverse("events_admin:list"))
        result = outcome(response)
        return EMPTY if result == OK and event.title not in response.content.decode() else result
    if name in ("registrations", "signin", "csv"):
        response = client.get(reverse(f"events_admin:{name}", args=[pk]))
        result = outcome(response)
        assert result != OK or "Anna de Vries" in response.content.decode("utf-8-sig")
        return result
    if name in ("mail_get", "cancel_get"):
        return outcome(client.get(reverse(f"events_admin:{name[:-4]}", args=[pk])))
    if name == "mail_post":
        before = OutgoingEmail.objects.filter(purpose=services.PURPOSE_MAILING).count()
        response = client.post(
            reverse("events_admin:mail", args=[pk]), {"subject": "Parkeren", "body": "Achterom."}
        )
        after = OutgoingEmail.objects.filter(purpose=services.PURPOSE_MAILING).count()
        return DONE if after > before and response.status_code == 302 else outcome(response)
    if name == "cancel_post":
        response = client.post(
            reverse("events_admin:cancel", args=[pk]), {"reason": "Zaal dicht.", "confirm": "on"}
        )
        if EventPage.objects.get(pk=pk).is_cancelled:
            return DONE
        return outcome(response)
    raise AssertionError(name)


@pytest.mark.django_db
@pytest.mark.parametrize("role_index, role", list(enumerate(ROLES)))
def test_permission_matrix(client, people, verified_login, role_index, role):
    event = evening()
    services.register(event, name="Anna de Vries", email="anna@example.org")
    user = people[role]
    if user is not None:
        if role == "publiek":
            client.force_login(user)  # a public account has no second factor
        else:
            verified_login(client, user)
    results = {name: check(client, name, event) for name in MATRIX}
    assert results == {name: row[role_index] for name, row in MATRIX.items()}


@pytest.mark.django_db
def test_a_meeting_without_think_tank_is_for_beheerders_only(client, people, verified_login):
    event = evening()
    EventPage.objects.filter(pk=event.pk).update(think_tank=None)
    url = reverse("events_admin:registrations", args=[event.pk])
    verified_login(client, people["organisator"])
    assert outcome(client.get(url)) == AWAY
    assert event.title not in client.get(reverse("events_admin:list")).content.decode()
    verified_login(client, people["beheerder"])
    assert outcome(client.get(url)) == OK


@pytest.mark.django_db
def test_menu_item_only_for_organisers(client, people, verified_login):
    menu_url = f'"{reverse("events_admin:list")}"'
    for role, shown in (
        ("organisator", True),
        ("beheerder", True),
        ("andere_denktank", True),  # organises its own meetings (none yet): an empty list
        ("redacteur", False),
        ("moderator", False),
    ):
        verified_login(client, people[role])
        home = client.get(reverse("wagtailadmin_home")).content.decode()
        assert (menu_url in home) is shown, role


@pytest.mark.django_db
def test_the_page_editor_links_to_the_registrations(client, people, verified_login):
    event = evening()
    link = reverse("events_admin:registrations", args=[event.pk])
    verified_login(client, people["beheerder"])
    editor = client.get(reverse("wagtailadmin_pages:edit", args=[event.pk])).content.decode()
    assert link in editor and "Aanmeldingen" in editor
    listing = client.get(reverse("wagtailadmin_explore", args=[event.get_parent().pk]))
    assert link in listing.content.decode()
    verified_login(client, people["redacteur"])  # may edit the page, not see the registrations
    editor = client.get(reverse("wagtailadmin_pages:edit", args=[event.pk])).content.decode()
    assert link not in editor


@pytest.mark.django_db
def test_the_screens_say_where_you_are_and_their_icons_exist():
    from wagtail.admin.icons import get_icons

    from samenaanpak.events import admin_views, wagtail_hooks

    sprite = get_icons()
    icons = {
        wagtail_hooks.register_events_menu_item().icon_name,
        admin_views.OrganiserView.header_icon,
        wagtail_hooks.RegistrationsButton.icon_name,
    }
    assert all(f'id="icon-{name}"' in sprite for name in icons), icons


@pytest.mark.django_db
def test_a_think_tank_proposes_meetings_and_edits_only_its_own(nijkerk):
    """Wagtail's "add" on /bijeenkomsten/: create drafts and edit one's own, never publish, never
    edit another think tank's meeting."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from samenaanpak.events.models import EventIndexPage, EventPage

    index = EventIndexPage.objects.get()
    member = get_user_model().objects.create_user("lid-preventie", "lid@example.org", "x" * 16)
    member.groups.add(Group.objects.get(name="Denktank Preventie"))
    assert index.permissions_for_user(member).can_add_subpage()
    other = EventPage.objects.get(slug="ouderavond-drugs-en-uitgaan")
    assert not other.permissions_for_user(member).can_edit()
    assert not other.permissions_for_user(member).can_publish()
    own = index.add_child(
        instance=EventPage(
            title="Eigen avond",
            start=other.start,
            end=other.end,
            place_name="Nijkerk",
            owner=member,
            live=False,
        )
    )
    assert own.permissions_for_user(member).can_edit()
    assert not own.permissions_for_user(member).can_publish()
