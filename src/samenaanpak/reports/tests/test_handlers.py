"""The handlers' side: who may see what, the keys in the session, handling a report, audit."""

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.backends.db import SessionStore
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse
from nacl.exceptions import CryptoError

from samenaanpak.core.models import OutgoingEmail
from samenaanpak.reports import crypto, keyring, vault
from samenaanpak.reports.demo import DEMO_PASSWORD
from samenaanpak.reports.models import (
    AuditEntry,
    Category,
    MemberKey,
    Message,
    Report,
    Team,
    TeamKeyGrant,
)
from samenaanpak.tests.factories import UserFactory

from .helpers import handler, jpeg, submit, unlocked_handler

pytestmark = pytest.mark.django_db
PASSWORD = "een-lang-wachtwoord-123"


@pytest.fixture
def report(client, meldpunt):
    _, receipt = submit(
        client,
        description="Dealen bij de skatebaan",
        email="melder@example.org",
        photos=[jpeg("CANARY")],
    )
    report = Report.objects.get()
    report.receipt = receipt
    return report


@pytest.fixture
def roles(meldpunt):
    """Every role of the matrix; the other team is a second meldpunt team with its own key."""

    def member(group_name, username):
        user = UserFactory(username=username)
        user.groups.add(Group.objects.get_or_create(name=group_name)[0])
        return user

    # As in core.roles: a beheerder holds every permission, but is in no meldpunt team.
    Group.objects.get_or_create(name="Beheerder")[0].permissions.add(*Permission.objects.all())
    Group.objects.get_or_create(name="Redacteur")[0].permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    other_group = Group.objects.create(name="Meldpunt Noord")
    other_group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    Team.objects.create(name="Noord", group=other_group, public_key=b"")
    users = {
        "anoniem": None,
        "redacteur": member("Redacteur", "redacteur"),
        "ander_team": member("Meldpunt Noord", "lid-noord"),
        "beheerder": member("Beheerder", "beheerder"),
        "teamlid": handler(),
    }
    return users


VIEWS = ["queue", "report", "photo", "unlock", "team", "audit"]
EXPECTED = {  # status code per role per view (after unlocking, for roles that can)
    "redacteur": dict.fromkeys(VIEWS, 403),
    "ander_team": {
        "queue": 200,
        "report": 404,
        "photo": 404,
        "unlock": 200,
        "team": 200,
        "audit": 200,
    },
    "beheerder": {
        "queue": 403,
        "report": 403,
        "photo": 403,
        "unlock": 403,
        "team": 403,
        "audit": 200,
    },
    "teamlid": dict.fromkeys(VIEWS, 200),
}


def _url(name, report):
    args = {"report": [report.pk], "photo": [report.pk, report.attachments.get().pk]}.get(name, [])
    return reverse(f"reports_admin:{name}", args=args)


@pytest.mark.parametrize("role", ["anoniem", *EXPECTED])
def test_permission_matrix_only_team_members_read_content(
    client, verified_login, roles, report, role
):
    user = roles[role]
    if user is not None:
        verified_login(client, user)
        if role in ("teamlid", "ander_team"):
            client.post(
                reverse("reports_admin:unlock"),
                {"password": DEMO_PASSWORD if role == "teamlid" else PASSWORD},
            )
    for view in VIEWS:
        response = client.get(_url(view, report))
        if user is None:
            assert response.status_code == 302 and "login" in response["Location"], view
            continue
        # Wagtail turns a refusal (PermissionDenied) into a redirect to the dashboard with a message.
        refused = response.status_code == 302 and response["Location"] == "/beheer/"
        assert (403 if refused else response.status_code) == EXPECTED[role][view], (role, view)
        if response.status_code == 200 and view == "queue":
            assert (report.number in response.content.decode()) == (role == "teamlid")
        if view == "report" and response.status_code == 200:
            assert "Dealen bij de skatebaan" in response.content.decode()
        elif response.status_code == 200 and view != "photo":
            assert "skatebaan" not in response.content.decode()


def test_a_member_without_an_unlocked_key_is_sent_to_unlock(client, verified_login, report):
    verified_login(client, handler())
    response = client.get(_url("report", report))
    assert response.status_code == 302 and reverse("reports_admin:unlock") in response["Location"]
    wrong = client.post(reverse("reports_admin:unlock"), {"password": "fout"})
    assert "Dat wachtwoord klopt niet" in wrong.content.decode()
    client.post(
        reverse("reports_admin:unlock"), {"password": DEMO_PASSWORD, "next": _url("report", report)}
    )
    assert "skatebaan" in client.get(_url("report", report)).content.decode()


def test_login_with_password_unlocks_the_key_for_the_session_only(meldpunt):
    request = RequestFactory().post("/beheer/login/")
    request.session = SessionStore()
    user = authenticate(request, username="behandelaar", password=DEMO_PASSWORD)
    assert user == handler()
    sealed = request.session[keyring.SESSION_KEY]["sealed"]
    cookie = request._report_key_cookie
    # The password comes before the code: until the session is verified the key stays pending.
    assert keyring.member_private_key(request) is None
    request.user = user
    user.is_verified = lambda: True  # as django_otp's middleware says after the code
    member_private = keyring.member_private_key(request)
    assert member_private and bytes(member_private).hex() not in sealed  # encrypted in the session
    # The session without the cookie opens nothing.
    request._report_key_cookie = None
    assert keyring.member_private_key(request) is None
    request.COOKIES[keyring.COOKIE_NAME] = cookie
    assert keyring.member_private_key(request) == member_private


def test_handler_moves_a_report_through_the_transition_table(client, verified_login, report):
    unlocked_handler(client, verified_login)
    url = _url("report", report)
    response = client.post(
        url, {"action": "status", "status": "doorgezet", "forwarded_to": "politie"}
    )
    assert "kan niet naar" in response.content.decode()  # nieuw → doorgezet is not allowed
    client.post(url, {"action": "status", "status": "in_behandeling"})
    response = client.post(
        url, {"action": "status", "status": "doorgezet", "forwarded_to": "politie"}
    )
    assert "Schrijf eerst een samenvatting" in response.content.decode()
    client.post(
        url,
        {"action": "summary", "summary-text": "Melding over handel bij een skatebaan in Nijkerk."},
    )
    response = client.post(url, {"action": "status", "status": "doorgezet", "forwarded_to": ""})
    assert "Kies naar wie" in response.content.decode()
    client.post(url, {"action": "status", "status": "doorgezet", "forwarded_to": "politie"})
    client.post(url, {"action": "status", "status": "afgehandeld"})
    report.refresh_from_db()
    assert report.status == "afgehandeld" and report.delete_after is not None
    assert [e.status for e in report.events.all()] == [
        "nieuw",
        "in_behandeling",
        "doorgezet",
        "afgehandeld",
    ]
    assert report.events.get(status="doorgezet").forwarded_to == "politie"
    with pytest.raises(ValueError):
        report.events.first().save()  # append-only


def test_reply_reaches_the_reporter_and_emails_only_a_notice(
    client, verified_login, report, django_capture_on_commit_callbacks
):
    unlocked_handler(client, verified_login)
    url = _url("report", report)
    client.post(url, {"action": "note", "note-text": "Intern: vaker gemeld."})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url, {"action": "message", "message-text": "Dank u. Weet u welke dagen dit gebeurt?"}
        )
    email = OutgoingEmail.objects.get()
    # Sent once the view's transaction committed (immediate tasks here); then the address is erased.
    assert (
        email.status == OutgoingEmail.Status.SENT
        and email.to == ""
        and email.erase_recipient_when_sent
    )
    assert mail.outbox[0].to == ["melder@example.org"] and "skatebaan" not in mail.outbox[0].body
    assert "skatebaan" not in email.body and "Weet u welke dagen" not in email.body
    assert "/melden/mijn-melding/" in email.body and report.receipt not in email.body
    stored = Message.objects.get(kind=Message.Kind.TO_REPORTER)
    assert b"Weet u welke dagen" not in bytes(stored.sealed_body)
    empty = client.post(url, {"action": "message", "message-text": ""})
    assert empty.status_code == 200 and Message.objects.count() == 2


def test_audit_log_records_who_did_what_without_content(client, verified_login, report):
    unlocked_handler(client, verified_login)
    url = _url("report", report)
    client.get(url)
    client.get(_url("photo", report))
    client.post(url, {"action": "note", "note-text": "Inhoud die niet in het logboek mag"})
    actions = list(
        AuditEntry.objects.order_by("pk").values_list("action", "username", "report_number")
    )
    assert actions == [
        ("geopend", "behandelaar", report.number),
        ("foto", "behandelaar", report.number),
        ("notitie", "behandelaar", report.number),
    ]
    page = client.get(reverse("reports_admin:audit")).content.decode()
    assert report.number in page and "Inhoud die niet" not in page


def test_photo_is_served_decrypted_and_never_cached(client, verified_login, report):
    unlocked_handler(client, verified_login)
    response = client.get(_url("photo", report))
    assert response["Content-Type"] == "image/jpeg" and response.content[:3] == b"\xff\xd8\xff"
    assert "no-store" in response["Cache-Control"] and b"CANARY" not in response.content


def test_queue_filters_by_status_category_and_overdue(client, verified_login, report):
    import datetime

    from django.utils import timezone

    _, _receipt = submit(client, category=str(Category.objects.order_by("sort_order")[1].pk))
    late = Report.objects.exclude(pk=report.pk).get()
    Report.objects.filter(pk=late.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    unlocked_handler(client, verified_login)
    queue = reverse("reports_admin:queue")
    html = client.get(queue, {"overdue": "on"}).content.decode()
    assert late.number in html and report.number not in html and "te laat" in html
    html = client.get(queue, {"category": report.category.pk}).content.decode()
    assert report.number in html and late.number not in html
    html = client.get(queue, {"status": "afgehandeld"}).content.decode()
    assert report.number not in html
    assert client.get(queue, {"status": "onzin"}).status_code == 200


def test_new_member_gets_access_from_a_colleague(client, verified_login, report):
    newcomer = UserFactory(username="nieuw-lid")
    newcomer.groups.add(Group.objects.get(name="Meldpunt"))
    other = client.__class__()
    verified_login(other, newcomer)
    other.post(
        reverse("reports_admin:unlock"), {"password": PASSWORD}
    )  # first sign-in makes the key
    assert MemberKey.objects.filter(user=newcomer).exists()
    assert "nog geen toegang" in other.get(_url("report", report)).content.decode()
    unlocked_handler(client, verified_login)
    team = Team.objects.get(name="Meldpunt")
    assert "Geef toegang" in client.get(reverse("reports_admin:team")).content.decode()
    client.post(reverse("reports_admin:team"), {"team": team.pk, "user": newcomer.pk})
    assert TeamKeyGrant.objects.filter(user=newcomer).exists()
    assert "skatebaan" in other.get(_url("report", report)).content.decode()
    # Leaving the group ends access at once, whatever the session holds.
    newcomer.groups.clear()
    response = other.get(_url("report", report))
    assert response.status_code == 302 and b"skatebaan" not in response.content


def test_password_change_keeps_access_and_a_reset_loses_it(client, verified_login, report):
    user = handler()
    unlocked_handler(client, verified_login)
    # Wagtail's own account page, as a handler would use it: every panel's current values plus
    # the password fields.
    form = _current_form_values(client.get(reverse("wagtailadmin_account")).content.decode())
    form.update(
        {
            "password-old_password": DEMO_PASSWORD,
            "password-new_password1": "een-nieuw-wachtwoord-2026",
            "password-new_password2": "een-nieuw-wachtwoord-2026",
        }
    )
    form["name_email-email"] = "behandelaar@example.org"  # required by Wagtail's account form
    response = client.post(reverse("wagtailadmin_account"), form)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("een-nieuw-wachtwoord-2026"), response.content.decode()[:2000]
    fresh = client.__class__()
    unlocked_handler(fresh, verified_login, password="een-nieuw-wachtwoord-2026")
    assert "skatebaan" in fresh.get(_url("report", report)).content.decode()
    # A reset without the old password (e.g. by a beheerder) cannot re-wrap the key: access is
    # lost and must be given again by a colleague (or restored with the recovery key).
    user.set_password("door-beheerder-gezet-2026")
    user.save()
    reset = client.__class__()
    verified_login(reset, user)
    reset.post(reverse("reports_admin:unlock"), {"password": "door-beheerder-gezet-2026"})
    assert "nog geen toegang" in reset.get(_url("report", report)).content.decode()
    assert not TeamKeyGrant.objects.filter(user=user).exists()


def _current_form_values(html):
    import re

    values = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or 'type="file"' in tag or 'type="submit"' in tag:
            continue
        if 'type="checkbox"' in tag or 'type="radio"' in tag:
            if "checked" in tag:
                values[name.group(1)] = (re.search(r'value="([^"]*)"', tag) or [None, "on"])[1]
            continue
        value = re.search(r'value="([^"]*)"', tag)
        values[name.group(1)] = value.group(1) if value else ""
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        selected = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        values[name] = selected.group(1) if selected else ""
    return values


def test_team_key_is_created_by_the_first_member_to_sign_in(meldpunt):
    group = Group.objects.create(name="Meldpunt Zuid")
    team = Team.objects.create(name="Zuid", group=group, public_key=b"")
    first = UserFactory(username="eerste")
    first.groups.add(group)
    request = RequestFactory().post("/")
    request.session = SessionStore()
    assert keyring.unlock(request, first, PASSWORD) == "created"
    team.refresh_from_db()
    assert team.public_key and TeamKeyGrant.objects.get(team=team).user == first
    request.user = first
    first.is_verified = lambda: True  # as after the code
    team_private = keyring.team_private_key(request, team)
    assert crypto.unseal(team_private, crypto.seal(bytes(team.public_key), b"ok")) == b"ok"


def test_vault_round_trip_for_each_key_holder(report):
    """The same report opens with the receipt, with the team key and not with another key."""
    private = vault.open_with_receipt(report, report.receipt)
    assert vault.content(report, private)["description"] == "Dealen bij de skatebaan"
    other_private, _ = crypto.new_key_pair()
    with pytest.raises(CryptoError):
        vault.content(report, other_private)


# --- Two teams: categories, audit log and access per team ------------------------------------

ALLOW, DENY = "allow", "deny"


@pytest.fixture
def teams(meldpunt):
    """Two teams as an installation sets them up: each group holds the category permissions (as
    core.roles gives the group Meldpunt), each team has a key and a member who can read it,
    and a category of its own; plus a beheerder (every permission, in no team)."""
    from types import SimpleNamespace

    team_a = Team.objects.get(name="Meldpunt")
    group_b = Group.objects.create(name="Meldpunt Noord")
    group_b.permissions.add(*Group.objects.get(name="Meldpunt").permissions.all())
    team_b = Team.objects.create(name="Noord", group=group_b, public_key=b"")
    member_b = UserFactory(username="lid-noord")
    member_b.groups.add(group_b)
    keyring.enrol_with_password(member_b, PASSWORD)  # the first member makes the team key
    Group.objects.get_or_create(name="Beheerder")[0].permissions.add(*Permission.objects.all())
    beheerder = UserFactory(username="beheerder")
    beheerder.groups.add(Group.objects.get(name="Beheerder"))
    return SimpleNamespace(
        a=team_a,
        b=team_b,
        member_a=handler(),
        member_b=member_b,
        beheerder=beheerder,
        category_a=Category.objects.create(name="Categorie van team A", team=team_a, sort_order=20),
        category_b=Category.objects.create(name="Categorie van team B", team=team_b, sort_order=21),
    )


def _signed_in(verified_login, user, password=None):
    from django.test import Client

    client = Client()
    verified_login(client, user)
    if password:
        assert (
            client.post(reverse("reports_admin:unlock"), {"password": password}).status_code == 302
        )
    return client


def _category_url(view, category=None):
    if view == "bulk_delete":
        return (
            reverse("wagtail_bulk_action", args=["reports", "category", "delete"])
            + f"?id={category.pk}"
        )
    name = f"wagtailsnippets_reports_category:{view}"
    return reverse(name, args=[category.pk]) if category else reverse(name)


def _report_url(report):
    return reverse("reports_admin:report", args=[report.pk])


def _outcome(response):
    if response.status_code == 200:
        return ALLOW
    if response.status_code in (403, 404) or (
        response.status_code == 302 and response["Location"] == "/beheer/"
    ):
        return DENY
    return f"unexpected {response.status_code} {response.get('Location', '')}"


def _category_form(category, **changes):
    data = {
        "name": category.name,
        "team": category.team_id,
        "deadline_days": category.deadline_days,
        "sort_order": category.sort_order,
        "active": "on" if category.active else "",
    }
    data.update(changes)
    return data


CATEGORY_VIEWS = [
    "list",
    "add",
    "edit_a",
    "edit_b",
    "history_b",
    "usage_b",
    "delete_b",
    "bulk_delete_b",
]
CATEGORY_MATRIX = {  # role: outcome per view (GET); "_a"/"_b" is a category of team A/B
    "teamlid_a": dict(
        zip(CATEGORY_VIEWS, [ALLOW, ALLOW, ALLOW, DENY, DENY, DENY, DENY, ALLOW], strict=True)
    ),
    "teamlid_b": dict(
        zip(CATEGORY_VIEWS, [ALLOW, ALLOW, DENY, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW], strict=True)
    ),
    "beheerder": dict.fromkeys(CATEGORY_VIEWS, ALLOW),
}


@pytest.mark.parametrize("role", CATEGORY_MATRIX)
def test_category_matrix_a_member_manages_only_their_own_teams_categories(
    teams, verified_login, role
):
    user = {"teamlid_a": teams.member_a, "teamlid_b": teams.member_b, "beheerder": teams.beheerder}[
        role
    ]
    client = _signed_in(verified_login, user)
    urls = {"list": _category_url("list"), "add": _category_url("add")}
    for view in CATEGORY_VIEWS[2:]:
        name, which = view.rsplit("_", 1)
        urls[view] = _category_url(name, getattr(teams, f"category_{which}"))
    results = {view: _outcome(client.get(url)) for view, url in urls.items()}
    assert results == CATEGORY_MATRIX[role]
    listing = client.get(urls["list"]).content.decode()
    assert ("Categorie van team A" in listing) == (role != "teamlid_b")
    assert ("Categorie van team B" in listing) == (role != "teamlid_a")
    # The bulk delete's confirmation page lists a category of another team as not allowed.
    bulk = client.get(urls["bulk_delete_b"]).content.decode()
    assert ("niet de juiste rechten" in bulk) == (role == "teamlid_a")
    assert ("Ja, verwijderen" in bulk) == (role != "teamlid_a")
    # The team field offers only the user's own teams (a beheerder: every team).
    add = client.get(urls["add"]).content.decode()
    assert (f'<option value="{teams.b.pk}"' in add) == (role != "teamlid_a")
    assert (f'<option value="{teams.a.pk}"' in add) == (role != "teamlid_b")


def test_a_member_cannot_change_create_or_delete_another_teams_category_by_post(
    teams, verified_login
):
    client = _signed_in(verified_login, teams.member_a)
    category_b = teams.category_b
    client.post(
        _category_url("edit", category_b),
        _category_form(category_b, name="Gekaapt", team=teams.a.pk),
    )
    client.post(_category_url("delete", category_b))
    client.post(_category_url("bulk_delete", category_b))
    category_b.refresh_from_db()
    assert (category_b.name, category_b.team) == ("Categorie van team B", teams.b)
    # A forged choice of team: refused with a message, nothing stored or moved.
    response = client.post(
        _category_url("add"), _category_form(teams.category_a, name="Nieuw voor B", team=teams.b.pk)
    )
    assert (
        response.status_code == 200
        and "Kies een team waar u zelf lid van bent" in response.content.decode()
    )
    assert not Category.objects.filter(name="Nieuw voor B").exists()
    response = client.post(
        _category_url("edit", teams.category_a), _category_form(teams.category_a, team=teams.b.pk)
    )
    assert "Kies een team waar u zelf lid van bent" in response.content.decode()
    teams.category_a.refresh_from_db()
    assert teams.category_a.team == teams.a
    # Their own team's categories they do manage.
    client.post(_category_url("add"), _category_form(teams.category_a, name="Nieuw voor A"))
    assert Category.objects.get(name="Nieuw voor A").team == teams.a
    client.post(_category_url("delete", teams.category_a))
    assert not Category.objects.filter(pk=teams.category_a.pk).exists()


def test_moving_a_category_leaves_its_reports_with_their_team(client, teams, verified_login):
    """Only new reports follow the category; the old ones stay readable by the old team only."""
    category = Category.objects.order_by("sort_order").first()  # team A's
    submit(client, category=str(category.pk), description="Oude melding bij team A")
    old = Report.objects.get()
    beheerder = _signed_in(verified_login, teams.beheerder)
    edit = beheerder.get(_category_url("edit", category)).content.decode()
    assert "Meldingen die al binnen zijn, blijven bij het team dat ze ontving" in edit
    response = beheerder.post(
        _category_url("edit", category), _category_form(category, team=teams.b.pk)
    )
    assert response.status_code == 302
    category.refresh_from_db()
    assert category.team == teams.b
    submit(client, category=str(category.pk), description="Nieuwe melding voor team B")
    new = Report.objects.exclude(pk=old.pk).get()
    old.refresh_from_db()
    assert (old.team, new.team) == (teams.a, teams.b)
    member_a = _signed_in(verified_login, teams.member_a, DEMO_PASSWORD)
    member_b = _signed_in(verified_login, teams.member_b, PASSWORD)
    assert "Oude melding bij team A" in member_a.get(_report_url(old)).content.decode()
    assert member_a.get(_report_url(new)).status_code == 404
    assert member_b.get(_report_url(old)).status_code == 404
    assert "Nieuwe melding voor team B" in member_b.get(_report_url(new)).content.decode()
    # Both teams' logs say that the category moved, and by whom.
    for member in (member_a, member_b):
        log = member.get(reverse("reports_admin:audit")).content.decode()
        assert (
            "categorie naar ander team" in log and "Meldpunt → Noord" in log and "beheerder" in log
        )


def test_a_category_cannot_go_to_a_team_without_a_key_or_be_deleted_with_reports(
    client, teams, verified_login
):
    category = Category.objects.order_by("sort_order").first()
    submit(client, category=str(category.pk))
    keyless = Team.objects.create(
        name="Zuid", group=Group.objects.create(name="Meldpunt Zuid"), public_key=b""
    )
    beheerder = _signed_in(verified_login, teams.beheerder)
    response = beheerder.post(
        _category_url("edit", category), _category_form(category, team=keyless.pk)
    )
    assert (
        response.status_code == 200
        and "Zuid heeft nog geen teamsleutel" in response.content.decode()
    )
    category.refresh_from_db()
    assert category.team == teams.a
    for response in (
        beheerder.post(_category_url("delete", category), follow=True),
        beheerder.post(_category_url("bulk_delete", category), follow=True),
    ):
        assert (
            response.status_code == 200
            and "Een categorie met meldingen kan niet weg" in response.content.decode()
        )
    assert Category.objects.filter(pk=category.pk).exists()


def test_audit_log_and_queue_filter_show_each_team_only_its_own(client, teams, verified_login):
    submit(client, category=str(teams.category_a.pk))
    submit(client, category=str(teams.category_b.pk))
    report_a, report_b = Report.objects.get(team=teams.a), Report.objects.get(team=teams.b)
    member_a = _signed_in(verified_login, teams.member_a, DEMO_PASSWORD)
    member_b = _signed_in(verified_login, teams.member_b, PASSWORD)
    member_a.get(_report_url(report_a))
    member_b.get(_report_url(report_b))
    # A grant is an entry of the team it gives access to.
    newcomer = UserFactory(username="nieuw-in-a")
    newcomer.groups.add(teams.a.group)
    _signed_in(verified_login, newcomer, PASSWORD)  # makes the newcomer's key
    member_a.post(reverse("reports_admin:team"), {"team": teams.a.pk, "user": newcomer.pk})
    assert AuditEntry.objects.get(action=AuditEntry.Action.GRANT).team == teams.a
    log_a = member_a.get(reverse("reports_admin:audit")).content.decode()
    log_b = member_b.get(reverse("reports_admin:audit")).content.decode()
    assert report_a.number in log_a and "nieuw-in-a" in log_a and report_b.number not in log_a
    assert report_b.number in log_b and report_a.number not in log_b and "nieuw-in-a" not in log_b
    oversight = (
        _signed_in(verified_login, teams.beheerder)
        .get(reverse("reports_admin:audit"))
        .content.decode()
    )
    assert report_a.number in oversight and report_b.number in oversight
    # The queue's category filter offers only the team's own categories.
    queue_b = member_b.get(reverse("reports_admin:queue")).content.decode()
    assert "Categorie van team B" in queue_b and "Categorie van team A" not in queue_b


def test_audit_entries_get_their_team_from_the_report_in_the_data_migration(teams, client):
    import importlib

    from django.apps import apps

    submit(client, category=str(teams.category_b.pk))
    report = Report.objects.get()
    kept = AuditEntry.objects.create(
        action=AuditEntry.Action.OPENED, report_number=report.number, username="x"
    )
    gone = AuditEntry.objects.create(
        action=AuditEntry.Action.OPENED, report_number="M-WEG000", username="x"
    )
    migration = importlib.import_module(
        "samenaanpak.reports.migrations.0003_audit_entry_team_from_report"
    )
    migration.fill_team(apps, None)
    kept.refresh_from_db()
    gone.refresh_from_db()
    assert (kept.team, gone.team) == (
        teams.b,
        None,
    )  # two teams: an unknown report's team stays unknown


def _user_form(client, user):
    """Wagtail's own user edit form with its current values, as a beheerder submits it."""
    url = reverse("wagtailusers_users:edit", args=[user.pk])
    html = client.get(url).content.decode()
    form = _current_form_values(html)
    import re

    form["groups"] = re.findall(r'<input[^>]*name="groups"[^>]*value="(\d+)"[^>]*checked', html)
    return url, form


def _granted_member(verified_login, team, username, granting_client):
    user = UserFactory(username=username)
    user.groups.add(team.group)
    _signed_in(verified_login, user, PASSWORD)  # makes their key
    granting_client.post(reverse("reports_admin:team"), {"team": team.pk, "user": user.pk})
    assert TeamKeyGrant.objects.filter(team=team, user=user).exists()
    return user


def test_leaving_the_team_in_the_user_form_revokes_the_key_grant(teams, verified_login):
    member_a = _signed_in(verified_login, teams.member_a, DEMO_PASSWORD)
    leaver = _granted_member(verified_login, teams.a, "vertrekker", member_a)
    deactivated = _granted_member(verified_login, teams.a, "uitgeschakeld", member_a)
    beheerder = _signed_in(verified_login, teams.beheerder)
    url, form = _user_form(beheerder, leaver)
    assert str(teams.a.group.pk) in form["groups"]
    form["groups"] = [pk for pk in form["groups"] if pk != str(teams.a.group.pk)]
    assert beheerder.post(url, form).status_code == 302
    assert not leaver.groups.exists() and not TeamKeyGrant.objects.filter(user=leaver).exists()
    url, form = _user_form(beheerder, deactivated)
    form.pop("is_active", None)
    assert beheerder.post(url, form).status_code == 302
    assert not TeamKeyGrant.objects.filter(user=deactivated).exists()
    revoked = AuditEntry.objects.filter(action=AuditEntry.Action.REVOKED)
    assert sorted(revoked.values_list("detail", "username", "team")) == [
        ("uitgeschakeld", "beheerder", teams.a.pk),
        ("vertrekker", "beheerder", teams.a.pk),
    ]
    log = member_a.get(reverse("reports_admin:audit")).content.decode()
    assert "toegang ingetrokken" in log and "vertrekker" in log
    # The team page advises a new team key.
    assert "Vernieuw de teamsleutel" in member_a.get(reverse("reports_admin:team")).content.decode()


def test_deleting_a_user_or_emptying_a_group_revokes_grants_with_an_audit_entry(
    teams, verified_login
):
    member_a = _signed_in(verified_login, teams.member_a, DEMO_PASSWORD)
    gone = _granted_member(verified_login, teams.a, "verwijderd-lid", member_a)
    beheerder = _signed_in(verified_login, teams.beheerder)
    assert beheerder.post(reverse("wagtailusers_users:delete", args=[gone.pk])).status_code == 302
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.REVOKED, detail="verwijderd-lid", team=teams.a
    ).exists()
    # The other side of the relation, as a script would do it.
    teams.b.group.user_set.clear()
    assert not TeamKeyGrant.objects.filter(team=teams.b).exists()
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.REVOKED, detail="lid-noord", team=teams.b, username="systeem"
    ).exists()


def test_rotating_the_team_key_locks_out_a_kept_copy_and_keeps_current_members(
    client, teams, verified_login
):
    submit(client, category=str(teams.category_a.pk), description="Van voor de vernieuwing")
    old = Report.objects.get()
    member_a = _signed_in(verified_login, teams.member_a, DEMO_PASSWORD)
    colleague = _granted_member(verified_login, teams.a, "collega", member_a)
    leaver = _granted_member(verified_login, teams.a, "vertrekker", member_a)
    # What the leaver could have kept while they had access: the team's private key.
    leaver_private = crypto.unwrap_member_key(
        keyring._as_member(MemberKey.objects.get(user=leaver)), PASSWORD, vault.kdf_params()
    )
    kept_team_key = crypto.open_team_key(
        bytes(TeamKeyGrant.objects.get(user=leaver).sealed_team_key), leaver_private
    )
    assert crypto.open_with_team_key(
        vault.report_keys(old), kept_team_key
    )  # it did open the reports
    leaver.groups.remove(teams.a.group)
    # A member without the key cannot rotate; a member with it can.
    waiting = UserFactory(username="wacht")
    waiting.groups.add(teams.a.group)
    refused = _signed_in(verified_login, waiting, PASSWORD).post(
        reverse("reports_admin:team"), {"team": teams.a.pk, "action": "rotate"}, follow=True
    )
    assert "Alleen een teamlid dat de meldingen kan lezen" in refused.content.decode()
    public_before = bytes(Team.objects.get(pk=teams.a.pk).public_key)
    page = member_a.post(
        reverse("reports_admin:team"), {"team": teams.a.pk, "action": "rotate"}, follow=True
    )
    assert (
        "is vernieuwd" in page.content.decode()
        and "Vernieuw de teamsleutel" not in page.content.decode()
    )
    assert bytes(Team.objects.get(pk=teams.a.pk).public_key) != public_before
    submit(client, category=str(teams.category_a.pk), description="Van na de vernieuwing")
    new = Report.objects.exclude(pk=old.pk).get()
    old.refresh_from_db()
    for report in (old, new):
        with pytest.raises(CryptoError):
            crypto.open_with_team_key(vault.report_keys(report), kept_team_key)
    # Current members read old and new reports, in their running session and in a new one.
    fresh_colleague = _signed_in(verified_login, colleague, PASSWORD)
    for reader in (member_a, fresh_colleague):
        assert "Van voor de vernieuwing" in reader.get(_report_url(old)).content.decode()
        assert "Van na de vernieuwing" in reader.get(_report_url(new)).content.decode()
    assert not TeamKeyGrant.objects.filter(user__in=[leaver, waiting]).exists()
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.ROTATED, team=teams.a, username="behandelaar"
    ).exists()
    # The other team is untouched.
    assert TeamKeyGrant.objects.filter(team=teams.b, user=teams.member_b).exists()


def test_a_report_submitted_while_the_key_rotates_is_sealed_to_the_new_key(meldpunt):
    category = Category.objects.select_related("team").order_by("sort_order").first()
    new_private, new_public = crypto.new_key_pair()
    Team.objects.filter(pk=category.team_id).update(
        public_key=new_public
    )  # rotated after the form read it
    report, _receipt = vault.submit(
        category=category, content={"description": "tijdens de vernieuwing"}
    )
    assert crypto.open_with_team_key(vault.report_keys(report), new_private)


def test_queue_and_report_show_dates_in_dutch(client, verified_login, report):
    """The back office is Dutch: "2 maart 2026", not Django's "2 Mrt 2026" (the "M" format is
    English-looking in Dutch too: "29 Nov 2026")."""
    import datetime

    Report.objects.filter(pk=report.pk).update(
        submitted_on=datetime.date(2026, 3, 2), due_on=datetime.date(2026, 3, 16)
    )
    unlocked_handler(client, verified_login)
    queue = client.get(reverse("reports_admin:queue")).content.decode()
    assert "2 maart 2026" in queue and "16 maart 2026" in queue
    assert "Mrt" not in queue
    page = client.get(_url("report", report)).content.decode()
    assert "2 maart 2026" in page and "16 maart 2026" in page
