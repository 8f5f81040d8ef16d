"""Reminders: due `reminder_days` before the start at the same local clock time (also across a
change to or from summer time), sent once, only to those with a place who signed up before the
reminder time, with the organiser's line and the calendar file."""

import datetime

import pytest

from samenaanpak.core.scheduler import every_minute

from .. import minutely, services
from ..models import EventPage, Registration
from .make import local, meeting, outbox, sign_up

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def utc(*args):
    return datetime.datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "reminder"),
    [
        # Monday 30 March 2026 19:30 summer time (17:30 UTC); summer time began on Sunday 29
        # March: Saturday 28 March 19:30 is winter time, 18:30 UTC.
        (local(2026, 3, 30, 19, 30), utc(2026, 3, 28, 18, 30)),
        # Monday 26 October 2026 19:30 winter time (18:30 UTC); winter time began on Sunday 25
        # October: Saturday 24 October 19:30 is summer time, 17:30 UTC.
        (local(2026, 10, 26, 19, 30), utc(2026, 10, 24, 17, 30)),
        # No change in between: the plain 48 hours.
        (local(2027, 1, 20, 10, 0), utc(2027, 1, 18, 9, 0)),
    ],
)
def test_reminder_time_keeps_the_local_clock_across_summer_time(nijkerk, start, reminder):
    event = meeting(start, reminder_days=2)
    assert event.reminder_at == reminder
    assert event.start.astimezone(UTC) == start.astimezone(UTC)
    now = reminder - datetime.timedelta(days=10)
    sign_up(event, 2, now=now)
    assert services.send_reminders(reminder - datetime.timedelta(seconds=1)) == 0
    assert services.send_reminders(reminder) == 2
    assert services.send_reminders(reminder + datetime.timedelta(minutes=1)) == 0
    assert len(outbox(subject=f"Herinnering: {event.title}")) == 2


def test_reminder_time_follows_a_changed_start_or_reminder_days(nijkerk):
    event = meeting(local(2027, 5, 10, 20, 0), reminder_days=2)
    page = EventPage.objects.get(pk=event.pk)
    page.start, page.end = local(2027, 5, 12, 20, 0), local(2027, 5, 12, 22, 0)
    page.reminder_days = 3
    page.save_revision().publish()
    assert EventPage.objects.get(pk=event.pk).reminder_at == utc(2027, 5, 9, 18, 0)
    page = EventPage.objects.get(pk=event.pk)
    page.reminder_days = 0
    page.save_revision().publish()
    assert EventPage.objects.get(pk=event.pk).reminder_at is None


def test_reminder_is_sent_once_with_the_organisers_line_and_the_calendar(nijkerk):
    event = meeting(local(2027, 2, 1, 19, 30), reminder_note="Neem gerust iemand mee.", capacity=1)
    before = event.reminder_at - datetime.timedelta(days=5)
    sign_up(event, 2, now=before)  # one place, one waiting
    assert minutely.run(event.reminder_at) == "events: 1 reminder(s) queued"
    assert minutely.run(event.reminder_at) == "events: 0 reminder(s) queued"
    [mail] = outbox(subject=f"Herinnering: {event.title}")
    assert mail.to == "p0@example.org"
    assert "Van de organisator: Neem gerust iemand mee." in mail.body
    assert "/bijeenkomsten/afmelden/" in mail.body
    [ics] = mail.attachments
    assert ics["mimetype"] == "text/calendar" and "BEGIN:VEVENT" in ics["content"]
    assert Registration.objects.get(email="p0@example.org").reminded_at == event.reminder_at
    assert Registration.objects.get(email="p1@example.org").reminded_at is None  # waiting


def test_the_scheduler_runs_the_reminders(nijkerk):
    event = meeting(local(2027, 2, 1, 19, 30))
    sign_up(event, 1, now=event.reminder_at - datetime.timedelta(days=1))
    assert "events: 1 reminder(s) queued" in every_minute(event.reminder_at)


def test_no_reminder_when_switched_off(nijkerk):
    event = meeting(local(2027, 2, 1, 19, 30), reminder_days=0)
    assert event.reminder_at is None
    sign_up(event, 1, now=local(2027, 1, 1, 12, 0))
    assert services.send_reminders(local(2027, 2, 1, 19, 0)) == 0
    assert outbox(subject=f"Herinnering: {event.title}") == []


def test_no_reminder_for_a_cancelled_or_unpublished_meeting(nijkerk):
    cancelled = meeting(local(2027, 2, 1, 19, 30))
    hidden = meeting(local(2027, 2, 1, 19, 30))
    then = local(2027, 1, 1, 12, 0)
    sign_up(cancelled, 1, now=then)
    sign_up(hidden, 1, now=then, prefix="q")
    services.cancel_event(cancelled, reason="Zaal onbeschikbaar", now=then)
    EventPage.objects.get(pk=hidden.pk).unpublish()
    assert services.send_reminders(cancelled.reminder_at) == 0
    assert outbox(subject__startswith="Herinnering") == []


def test_no_reminder_for_someone_who_signed_up_after_the_reminder_time(nijkerk):
    event = meeting(local(2027, 2, 1, 19, 30))
    early = sign_up(event, 1, now=event.reminder_at - datetime.timedelta(hours=1))
    late = sign_up(event, 1, start=1, now=event.reminder_at + datetime.timedelta(hours=1))
    assert services.send_reminders(event.reminder_at + datetime.timedelta(hours=2)) == 1
    assert [m.to for m in outbox(subject__startswith="Herinnering")] == [early[0].email]
    # Marked as done, so it is not looked at again every minute.
    assert Registration.objects.get(pk=late[0].pk).reminded_at is not None
    assert services.send_reminders(event.reminder_at + datetime.timedelta(hours=3)) == 0


def test_no_reminder_after_the_start_or_after_cancelling(nijkerk):
    event = meeting(local(2027, 2, 1, 19, 30))
    then = event.reminder_at - datetime.timedelta(days=1)
    stays, goes = sign_up(event, 2, now=then)
    services.cancel(goes, now=then)
    # The scheduler was down until after the start: no reminder for a meeting that began.
    assert services.send_reminders(event.start) == 0
    assert services.send_reminders(event.reminder_at) == 1
    assert [m.to for m in outbox(subject__startswith="Herinnering")] == [stays.email]
