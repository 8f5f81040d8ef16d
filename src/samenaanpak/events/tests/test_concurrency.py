"""Many people at the same instant: each step locks the meeting's row (services.lock), so 40
sign-ups for 25 places give 25 places and 15 on the waiting list, two cancellations promote two
different people in order, one address signs up once, and a reminder goes out once with two
schedulers. PostgreSQL runs the threads truly at once; SQLite (transaction_mode IMMEDIATE) takes
its write lock when each transaction begins and so decides them one after the other too (in
production; its in-memory test database cannot run threads, so these tests need PostgreSQL)."""

import datetime

import pytest
from django.db import connection

from samenaanpak.core.content import load_content
from samenaanpak.tests.concurrency import at_once

from .. import services
from ..models import EventPage, Registration
from .make import local, meeting, outbox, sign_up

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site():
    """Only what a meeting needs of the Nijkerk content: the home page and /bijeenkomsten/."""
    if connection.vendor != "postgresql":
        # The SQLite test database lives in memory with a shared cache: a second connection is
        # answered "database table is locked" at once instead of waiting for the write lock.
        pytest.skip("concurrent transactions need PostgreSQL (SQLite's test database is in memory)")
    load_content("nijkerk", only={"settings", "pages", "events"}, pages={"bijeenkomsten"})


def _register(event, i, email=None):
    def step():
        try:
            return services.register(event, name=f"Persoon {i}", email=email or f"p{i}@example.org")
        except services.Refused as refused:
            return refused

    return step


def test_forty_sign_ups_at_once_for_twenty_five_places(site):
    event = meeting(capacity=25, organiser_email="org@example.org")
    results = at_once(*(_register(event, i) for i in range(40)))
    assert all(isinstance(r, Registration) for r in results)
    assert services.counts(event) == {"registered": 25, "waiting": 15}
    # Everyone mailed once: a confirmation or the waiting-list mail.
    mails = outbox()
    assert sorted(m.to for m in mails) == sorted(f"p{i}@example.org" for i in range(40))
    assert sum(m.subject.startswith("U bent aangemeld") for m in mails) == 25
    assert sum(m.subject.startswith("U staat op de wachtlijst") for m in mails) == 15
    # The waiting list is in the order the sign-ups were decided.
    registered_last = Registration.objects.registered().filter(event=event).latest("created_at")
    assert all(
        w.created_at >= registered_last.created_at
        for w in Registration.objects.waiting().filter(event=event)
    )
    by_time = Registration.objects.filter(event=event).order_by("created_at", "pk")
    assert list(by_time.values_list("pk", flat=True)) == sorted(r.pk for r in results)
    # The organiser heard of 80 % and of 100 % once each.
    assert len(outbox(services.PURPOSE_ORGANISER)) == 2


def test_two_cancellations_at_once_promote_two_people_in_order(site):
    event = meeting(capacity=2)
    first, second, *waiting = sign_up(event, 5)
    promoted = at_once(lambda: services.cancel(first), lambda: services.cancel(second))
    assert sorted(p.pk for p in promoted) == [waiting[0].pk, waiting[1].pk]
    assert Registration.objects.get(pk=waiting[2].pk).status == "wachtlijst"
    assert services.counts(event) == {"registered": 2, "waiting": 1}
    for registration in waiting[:2]:
        assert len(outbox(to=registration.email, subject__startswith="Er is een plek vrij")) == 1


def test_the_same_address_five_times_at_once_signs_up_once(site):
    event = meeting(capacity=10)
    results = at_once(
        *(_register(event, i, email=f"{'AN' if i % 2 else 'an'}@example.org") for i in range(5))
    )
    assert sum(isinstance(r, Registration) for r in results) == 1
    assert [r.code for r in results if isinstance(r, services.Refused)] == ["duplicate"] * 4
    assert Registration.objects.filter(event=event).count() == 1
    assert len(outbox()) == 1


def test_two_schedulers_send_each_reminder_once(site):
    event = meeting(local(2027, 2, 1, 19, 30))
    sign_up(event, 12, now=event.reminder_at - datetime.timedelta(days=1))
    sent = at_once(
        lambda: services.send_reminders(event.reminder_at),
        lambda: services.send_reminders(event.reminder_at),
    )
    assert sum(sent) == 12
    reminders = outbox(subject__startswith="Herinnering")
    assert sorted(m.to for m in reminders) == sorted(f"p{i}@example.org" for i in range(12))


def test_capacity_raised_while_people_cancel(site):
    """An editor's publication (fill_places) and a cancellation at once: never more places given
    than there are."""
    event = meeting(capacity=2)
    first, _second, *_waiting = sign_up(event, 6)
    page = EventPage.objects.get(pk=event.pk)
    page.capacity = 4
    revision = page.save_revision()
    at_once(lambda: revision.publish(), lambda: services.cancel(first))
    assert services.counts(event) == {"registered": 4, "waiting": 1}
