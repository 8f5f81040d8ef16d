"""The calendar file: sent with the confirmation through a real SMTP server and read back, one UID
for the meeting's life, SEQUENCE up with each published change and with calling it off, times in
UTC."""

import datetime

import icalendar
import pytest

from .. import ical, services
from ..models import EventPage
from .make import local, meeting, outbox

pytestmark = pytest.mark.django_db


def parse(text) -> icalendar.Event:
    calendar = icalendar.Calendar.from_ical(text)
    [item] = calendar.walk("VEVENT")
    return calendar, item


def test_confirmation_mail_carries_a_calendar_file_that_parses(
    nijkerk, smtp, django_capture_on_commit_callbacks
):
    event = meeting(local(2027, 3, 29, 19, 30), capacity=10)
    with django_capture_on_commit_callbacks(execute=True):
        services.register(event, name="An de Vries", email="an@example.org")
    [message] = [m for m in smtp.inbox.messages if m["To"] == "an@example.org"]
    parts = {part.get_content_type(): part for part in message.walk()}
    assert "text/plain" in parts
    attachment = parts["text/calendar"]
    assert attachment.get_filename() == "bijeenkomst.ics"
    calendar, item = parse(attachment.get_payload(decode=True))
    assert str(calendar["method"]) == "PUBLISH"
    assert str(item["uid"]) == ical.uid(event)
    assert str(item["summary"]) == event.title
    assert str(item["status"]) == "CONFIRMED"
    # Monday 29 March 2027 19:30 summer time is 17:30 UTC.
    assert item.decoded("dtstart") == datetime.datetime(2027, 3, 29, 17, 30, tzinfo=datetime.UTC)
    assert item["dtstart"].to_ical() == b"20270329T173000Z"
    assert item["dtend"].to_ical() == b"20270329T193000Z"
    assert "Nijkerk" in str(item["location"])
    assert str(item["url"]).endswith(event.url)


def test_winter_time_start_in_utc(nijkerk):
    event = meeting(local(2027, 1, 12, 20, 0))
    _calendar, item = parse(ical.attachment(event)["content"])
    assert item["dtstart"].to_ical() == b"20270112T190000Z"


def test_uid_stays_and_sequence_rises_with_a_published_change(nijkerk):
    event = meeting(local(2027, 3, 29, 19, 30))
    _cal, first = parse(ical.attachment(event)["content"])
    assert int(first["sequence"]) == 0
    page = EventPage.objects.get(pk=event.pk)
    page.start, page.end = local(2027, 3, 29, 20, 0), local(2027, 3, 29, 22, 0)
    page.save_revision().publish()
    _cal, second = parse(ical.attachment(EventPage.objects.get(pk=event.pk))["content"])
    assert str(second["uid"]) == str(first["uid"])
    assert int(second["sequence"]) == 1
    assert second["dtstart"].to_ical() == b"20270329T180000Z"
    # A draft saved but not published changes nothing for the calendars.
    page = EventPage.objects.get(pk=event.pk)
    page.title = "Nog niet gepubliceerd"
    page.save_revision()
    assert EventPage.objects.get(pk=event.pk).ical_sequence == 1


def test_publishing_an_older_revision_keeps_sequence_and_cancellation(nijkerk):
    event = meeting(local(2027, 3, 29, 19, 30))
    old = EventPage.objects.get(pk=event.pk).latest_revision
    services.cancel_event(event, reason="Zaal onbeschikbaar")
    old.publish()
    live = EventPage.objects.get(pk=event.pk)
    assert live.is_cancelled
    assert live.ical_sequence == 2  # the cancellation's 1, then this publication


def test_cancelled_meeting_gives_status_cancelled_and_method_cancel(nijkerk):
    event = meeting(local(2027, 3, 29, 19, 30), capacity=5)
    services.register(event, name="An", email="an@example.org")
    before = EventPage.objects.get(pk=event.pk).ical_sequence
    services.cancel_event(event, reason="Zaal onbeschikbaar")
    [mail] = outbox(subject=f"Afgelast: {event.title}")
    calendar, item = parse(mail.attachments[0]["content"])
    assert str(calendar["method"]) == "CANCEL"
    assert str(item["status"]) == "CANCELLED"
    assert int(item["sequence"]) == before + 1
    assert str(item["uid"]) == ical.uid(event)
    # The feed shows it too, without a METHOD.
    feed, item = parse(ical.calendar([EventPage.objects.get(pk=event.pk)], "Agenda"))
    assert "method" not in feed and str(item["status"]) == "CANCELLED"


def test_a_stale_page_saved_after_a_cancellation_keeps_it(nijkerk):
    """A publication writes the whole row from an object read a moment before; a cancellation
    committed in between must survive it (and its SEQUENCE)."""
    event = meeting(local(2027, 3, 29, 19, 30))
    stale = EventPage.objects.get(pk=event.pk)
    services.cancel_event(event, reason="Zaal onbeschikbaar")
    stale.title = "Nieuwe titel"
    stale.save()
    live = EventPage.objects.get(pk=event.pk)
    assert live.title == "Nieuwe titel"
    assert live.is_cancelled and live.cancel_reason == "Zaal onbeschikbaar"
    assert live.ical_sequence == 1
