"""The meetings' back office at work: the registrations page, the CSV export, the sign-in list,
the message to everyone registered and calling a meeting off."""

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samenaanpak.core.models import OutgoingEmail
from samenaanpak.events import services
from samenaanpak.events.admin_views import csv_cell
from samenaanpak.events.models import EventPage, Registration
from samenaanpak.events.status import RegistrationStatus

from .backoffice import evening, many, staff


@pytest.fixture
def event(nijkerk):
    """The example meeting with 2 places: Ëlla and a formula-like name registered, Bo waiting."""
    meeting = evening()
    EventPage.objects.filter(pk=meeting.pk).update(capacity=2)
    services.register(meeting, name="Ëlla Smit", email="ella@example.org")
    services.register(meeting, name='=HYPERLINK("http://x")', email="-x@example.org")
    services.register(meeting, name="Bo Bakker", email="bo@example.org")
    return EventPage.objects.get(pk=meeting.pk)


@pytest.fixture
def organiser(client, verified_login, nijkerk):
    return verified_login(client, staff("lid-preventie", "Denktank Preventie"))


def url(name, event):
    return reverse(f"events_admin:{name}", args=[event.pk])


def test_csv_cells_that_look_like_formulas_are_quoted():
    assert [csv_cell(v) for v in ("=1+1", "+31", "-5", "@SUM(A1)", "\tx", "An", "", None, 3)] == [
        "'=1+1",
        "'+31",
        "'-5",
        "'@SUM(A1)",
        "'\tx",
        "An",
        "",
        "",
        "3",
    ]


def test_registrations_page_lists_registered_and_the_waiting_list_in_order(organiser, event):
    services.register(event, name="Cas Claes", email="cas@example.org")
    html = organiser.get(url("registrations", event)).content.decode()
    assert "Ëlla Smit" in html and "ella@example.org" in html
    assert "2 van 2 plaatsen bezet" in html and "2 op de wachtlijst" in html
    waiting = html.split('id="wachtlijst"', 1)[1]
    assert waiting.index("Bo Bakker") < waiting.index("Cas Claes")
    assert re.search(r"<td>1</td>\s*<td>Bo Bakker", waiting)
    for text in (
        "Presentielijst (afdrukken)",
        "Aanmeldingen downloaden (CSV)",
        "Bericht aan alle aangemelden",
        "Bijeenkomst afgelasten",
    ):
        assert text in html
    assert "Pagina bewerken" not in html  # the think tank edits its own page, not /bijeenkomsten/


def test_erased_registrations_show_that_their_data_is_gone(organiser, event):
    Registration.objects.filter(email="bo@example.org").update(
        name="", email="", erased_at=timezone.now()
    )
    html = organiser.get(url("registrations", event)).content.decode()
    assert "gegevens gewist" in html and "Bo Bakker" not in html
    body = organiser.get(url("csv", event)).content.decode("utf-8-sig")
    assert "gegevens gewist" in body


def test_csv_export_is_excel_ready_and_escapes_formulas(organiser, event):
    response = organiser.get(url("csv", event))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="aanmeldingen-ouderavond-drugs-en-uitgaan.csv"'
    )
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith("\ufeff".encode())  # the BOM: Excel reads ë
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Naam", "E-mailadres", "Status", "Aangemeld op", "Plaats op wachtlijst"]
    assert [row[:3] + row[4:] for row in rows[1:]] == [
        ["Ëlla Smit", "ella@example.org", "Aangemeld", ""],
        ['\'=HYPERLINK("http://x")', "'-x@example.org", "Aangemeld", ""],
        ["Bo Bakker", "bo@example.org", "Op de wachtlijst", "1"],
    ]
    assert re.fullmatch(r"\d\d-\d\d-\d{4} \d\d:\d\d", rows[1][3])


def test_sign_in_list_is_clean_and_has_no_inline_style_or_script(organiser, event):
    response = organiser.get(url("signin", event))
    html = response.content.decode()
    assert "Ëlla Smit" in html and "Bo Bakker" not in html  # who waits does not come
    assert "Handtekening" in html and "beheer-presentielijst.css" in html
    assert "style=" not in html and "<style" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert "w-theme" not in html  # no back-office chrome
    assert "no-store" in response["Cache-Control"]


def test_mail_goes_to_everyone_registered_not_the_waiting_list(organiser, event):
    page = organiser.get(url("mail", event)).content.decode()
    assert "Dit bericht gaat naar 2 aangemelde personen." in page
    response = organiser.post(
        url("mail", event), {"subject": "Parkeren\nbij de zaal", "body": "Parkeer achterom."}
    )
    assert response.status_code == 302 and response["Location"] == url("registrations", event)
    mails = OutgoingEmail.objects.filter(purpose=services.PURPOSE_MAILING)
    assert sorted(mails.values_list("to", flat=True)) == ["-x@example.org", "ella@example.org"]
    assert {m.subject for m in mails} == {"Parkeren bij de zaal"}
    assert all("Parkeer achterom." in m.body for m in mails)
    page = organiser.get(url("registrations", event)).content.decode()
    assert "Het bericht gaat naar 2 aangemelde personen." in page
    # A double click: the same message is not sent again.
    organiser.post(
        url("mail", event), {"subject": "Parkeren\nbij de zaal", "body": "Parkeer achterom."}
    )
    assert OutgoingEmail.objects.filter(purpose=services.PURPOSE_MAILING).count() == 2
    page = organiser.get(url("registrations", event)).content.decode()
    assert "Dit bericht is net al verstuurd" in page


def test_mail_form_errors_and_an_unpublished_meeting(organiser, event):
    response = organiser.post(url("mail", event), {"subject": "", "body": "x" * 5001})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Vul een onderwerp in." in html and "Het bericht is niet verstuurd." in html
    assert "<title>Fout:" in re.sub(r"\s+", " ", html).replace("<title> ", "<title>")
    event.unpublish()
    page = organiser.get(url("mail", event)).content.decode()
    assert "niet gepubliceerd" in page and 'name="subject"' not in page
    response = organiser.post(url("mail", event), {"subject": "Hallo", "body": "Tekst."})
    assert response.status_code == 409 and "niet gepubliceerd" in response.content.decode()
    assert not OutgoingEmail.objects.filter(purpose=services.PURPOSE_MAILING).exists()


def test_cancel_tells_everyone_registered_and_waiting(organiser, event):
    page = organiser.get(url("cancel", event)).content.decode()
    assert "2 aangemelde personen" in page and "1 persoon op de wachtlijst" in page
    refused = organiser.post(url("cancel", event), {"reason": "Zaal dicht."})  # not confirmed
    assert refused.status_code == 400 and not EventPage.objects.get(pk=event.pk).is_cancelled
    assert "Vink aan dat u de bijeenkomst wilt afgelasten." in refused.content.decode()
    OutgoingEmail.objects.all().delete()
    response = organiser.post(url("cancel", event), {"reason": "Zaal dicht.", "confirm": "on"})
    assert response.status_code == 302
    assert EventPage.objects.get(pk=event.pk).is_cancelled
    assert set(Registration.objects.filter(event=event).values_list("status", flat=True)) == {
        RegistrationStatus.EVENT_CANCELLED
    }
    mails = OutgoingEmail.objects.all()
    assert sorted(m.to for m in mails) == ["-x@example.org", "bo@example.org", "ella@example.org"]
    for mail in mails:
        assert mail.subject.startswith("Afgelast:") and "Zaal dicht." in mail.body
        (ics,) = mail.attachments
        assert ics["mimetype"] == "text/calendar" and "METHOD:CANCEL" in ics["content"]
    page = organiser.get(url("registrations", event)).content.decode()
    assert "De bijeenkomst is afgelast. 3 mensen krijgen daarover bericht." in page
    assert "Deze bijeenkomst is afgelast op" in page and "Zaal dicht." in page
    assert url("cancel", event) not in page and url("mail", event) not in page  # nobody left
    # Twice (a second tab, a double click): a Dutch message, not a 500, and no new mail.
    again = organiser.post(url("cancel", event), {"reason": "Nog eens.", "confirm": "on"})
    assert again.status_code == 302
    follow = organiser.get(again["Location"]).content.decode()
    assert "Deze bijeenkomst is al afgelast." in follow
    assert OutgoingEmail.objects.count() == 3
    assert "al afgelast op" in organiser.get(url("cancel", event)).content.decode()


def test_list_shows_counts_upcoming_first(organiser, event):
    html = organiser.get(reverse("events_admin:list")).content.decode()
    upcoming, past = html.split('id="eerdere"', 1)
    assert event.title in upcoming and "2 van 2" in upcoming


@pytest.mark.parametrize("view", ["registrations", "list", "signin", "csv"])
def test_query_count_does_not_grow_with_the_registrations(organiser, event, view):
    def queries():
        target = reverse("events_admin:list") if view == "list" else url(view, event)
        with CaptureQueriesContext(connection) as context:
            assert organiser.get(target).status_code == 200
        return len(context)

    many(event, 5, RegistrationStatus.REGISTERED)
    many(event, 2, RegistrationStatus.WAITING, start=5)
    few = queries()
    many(event, 400, RegistrationStatus.REGISTERED, start=10)
    many(event, 90, RegistrationStatus.WAITING, start=410)
    assert queries() == few, few


def test_cancel_an_unpublished_or_past_meeting(organiser, event):
    event.unpublish()
    OutgoingEmail.objects.all().delete()
    page = organiser.get(url("cancel", event)).content.decode()
    assert "niemand krijgt bericht" in page
    organiser.post(url("cancel", event), {"reason": "Toch niet.", "confirm": "on"})
    assert EventPage.objects.get(pk=event.pk).is_cancelled
    assert not OutgoingEmail.objects.exists()
    assert not Registration.objects.filter(event=event).active().exists()

    past = EventPage.objects.exclude(pk=event.pk).first()  # 2015, no think tank: a beheerder's
    EventPage.objects.filter(pk=past.pk).update(think_tank=event.think_tank_id)
    assert "al voorbij" in organiser.get(url("cancel", past)).content.decode()
    response = organiser.post(url("cancel", past), {"reason": "Te laat.", "confirm": "on"})
    assert "al voorbij" in organiser.get(response["Location"]).content.decode()
    assert not EventPage.objects.get(pk=past.pk).is_cancelled


@pytest.mark.django_db
@pytest.mark.parametrize(
    "action, target",
    [
        ("wagtailadmin_pages:delete", "meeting"),
        ("wagtailadmin_pages:unpublish", "meeting"),
        ("wagtailadmin_pages:delete", "index"),
        ("bulk-delete", "meeting"),
        ("bulk-unpublish", "meeting"),
        ("bulk-delete", "index"),
    ],
)
def test_a_meeting_people_signed_up_for_is_called_off_not_deleted(
    nijkerk, client, verified_login, action, target
):
    """Deleting or unpublishing would tell nobody: the editor is sent to calling it off. Also
    for a page above the meeting and for the page list's bulk actions (review round 2)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from samenaanpak.events.models import EventPage, Registration

    event = EventPage.objects.get(slug="ouderavond-drugs-en-uitgaan")
    services.register(event, name="An", email="an@example.org")
    editor = get_user_model().objects.create_user("red", "red@example.org", "x" * 16)
    editor.groups.add(Group.objects.get(name="Beheerder"))
    verified_login(client, editor)
    page = event if target == "meeting" else event.get_parent()
    if action.startswith("bulk-"):
        url = reverse(
            "wagtail_bulk_action",
            args=["wagtailcore", "page", action.removeprefix("bulk-")],
        )
        response = client.post(f"{url}?id={page.pk}", {"include_descendants": "on"})
    else:
        response = client.post(reverse(action, args=[page.pk]))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.live and EventPage.objects.filter(pk=event.pk).exists()
    assert Registration.objects.active().filter(event=event).count() == 1
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("Gelast de bijeenkomst af" in m for m in messages)
