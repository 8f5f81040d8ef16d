"""The handlers' side: who may see what, the keys in the session, handling a report, audit."""

import pytest
from django.contrib.auth import authenticate
from django.core import mail
from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from django.urls import reverse

from samenaanpak.core.models import OutgoingEmail
from samenaanpak.reports import crypto, keyring, vault
from samenaanpak.reports.models import AuditEntry, Category, MemberKey, Message, Report, Team, TeamKeyGrant
from samenaanpak.reports.nijkerk import DEMO_PASSWORD
from samenaanpak.tests.factories import UserFactory

from .helpers import handler, jpeg, submit, unlocked_handler

pytestmark = pytest.mark.django_db
PASSWORD = "een-lang-wachtwoord-123"


@pytest.fixture
def report(client, meldpunt):
    _, receipt = submit(client, description="Dealen bij de skatebaan", email="melder@example.org",
                        photos=[jpeg("CANARY")])
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

    # As in plan.nijkerk: a beheerder holds every permission, but is in no meldpunt team.
    Group.objects.get_or_create(name="Beheerder")[0].permissions.add(*Permission.objects.all())
    Group.objects.get_or_create(name="Redacteur")[0].permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    other_group = Group.objects.create(name="Meldpunt Noord")
    other_group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin",
                                                       codename="access_admin"))
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
    "ander_team": {"queue": 200, "report": 404, "photo": 404, "unlock": 200, "team": 200, "audit": 200},
    "beheerder": {"queue": 403, "report": 403, "photo": 403, "unlock": 403, "team": 403, "audit": 200},
    "teamlid": dict.fromkeys(VIEWS, 200),
}


def _url(name, report):
    args = {"report": [report.pk], "photo": [report.pk, report.attachments.get().pk]}.get(name, [])
    return reverse(f"reports_admin:{name}", args=args)


@pytest.mark.parametrize("role", ["anoniem", *EXPECTED])
def test_permission_matrix_only_team_members_read_content(client, verified_login, roles, report, role):
    user = roles[role]
    if user is not None:
        verified_login(client, user)
        if role in ("teamlid", "ander_team"):
            client.post(reverse("reports_admin:unlock"), {"password": DEMO_PASSWORD if role == "teamlid" else PASSWORD})
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
    client.post(reverse("reports_admin:unlock"), {"password": DEMO_PASSWORD, "next": _url("report", report)})
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
    response = client.post(url, {"action": "status", "status": "doorgezet", "forwarded_to": "politie"})
    assert "kan niet naar" in response.content.decode()  # nieuw → doorgezet is not allowed
    client.post(url, {"action": "status", "status": "in_behandeling"})
    response = client.post(url, {"action": "status", "status": "doorgezet", "forwarded_to": "politie"})
    assert "Schrijf eerst een samenvatting" in response.content.decode()
    client.post(url, {"action": "summary", "summary-text": "Melding over handel bij een skatebaan in Nijkerk."})
    response = client.post(url, {"action": "status", "status": "doorgezet", "forwarded_to": ""})
    assert "Kies naar wie" in response.content.decode()
    client.post(url, {"action": "status", "status": "doorgezet", "forwarded_to": "politie"})
    client.post(url, {"action": "status", "status": "afgehandeld"})
    report.refresh_from_db()
    assert report.status == "afgehandeld" and report.delete_after is not None
    assert [e.status for e in report.events.all()] == ["nieuw", "in_behandeling", "doorgezet", "afgehandeld"]
    assert report.events.get(status="doorgezet").forwarded_to == "politie"
    with pytest.raises(ValueError):
        report.events.first().save()  # append-only


def test_reply_reaches_the_reporter_and_emails_only_a_notice(client, verified_login, report):
    unlocked_handler(client, verified_login)
    url = _url("report", report)
    client.post(url, {"action": "note", "note-text": "Intern: vaker gemeld."})
    client.post(url, {"action": "message", "message-text": "Dank u. Weet u welke dagen dit gebeurt?"})
    email = OutgoingEmail.objects.get()
    # Sent at once (immediate tasks here), and then the address is erased from the outbox.
    assert email.status == OutgoingEmail.Status.SENT and email.to == "" and email.erase_recipient_when_sent
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
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", "username", "report_number"))
    assert actions == [("geopend", "behandelaar", report.number), ("foto", "behandelaar", report.number),
                       ("notitie", "behandelaar", report.number)]
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
    Report.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=1))
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
    other.post(reverse("reports_admin:unlock"), {"password": PASSWORD})  # first sign-in makes the key
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
    form.update({"password-old_password": DEMO_PASSWORD, "password-new_password1": "een-nieuw-wachtwoord-2026",
                 "password-new_password2": "een-nieuw-wachtwoord-2026"})
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
    with pytest.raises(Exception):
        vault.content(report, other_private)
