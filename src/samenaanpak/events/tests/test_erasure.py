"""Retention: EVENTS_ERASE_AFTER_DAYS after a meeting ended, its registrations keep their status
but lose name, address and account, and the links in old mails stop working."""

import datetime

import pytest

from samenaanpak.core.scheduler import run_daily

from .. import daily, services, tokens
from ..models import Registration
from .make import local, meeting, sign_up

pytestmark = pytest.mark.django_db


def test_personal_data_goes_after_the_period_and_the_counts_stay(nijkerk, settings, user_factory):
    settings.EVENTS_ERASE_AFTER_DAYS = 92
    old = meeting(local(2027, 1, 10, 19, 30), capacity=2)
    recent = meeting(local(2027, 3, 1, 19, 30), capacity=2)
    then = local(2027, 1, 1, 12, 0)
    account = user_factory()
    first = services.register(old, name="An", email="an@example.org", user=account, now=then)
    sign_up(old, 2, now=then)  # one place, one waiting
    services.cancel(first, now=then)  # p1 moves up
    sign_up(recent, 3, now=then, prefix="r")
    token = tokens.make(Registration.objects.get(event=old, email="p0@example.org"))
    assert tokens.read(token) is not None
    before = {event.pk: services.counts(event) for event in (old, recent)}
    statuses = dict(Registration.objects.values_list("pk", "status"))

    # One day short of the period: nothing happens.
    ended = old.end
    assert (
        daily.erase_past(ended + datetime.timedelta(days=92) - datetime.timedelta(minutes=1)) == 0
    )
    now = ended + datetime.timedelta(days=92, minutes=1)
    assert daily.run(now) == "events: 3 registration(s) erased"
    assert daily.run(now) == "events: 0 registration(s) erased"

    gone = Registration.objects.filter(event=old)
    assert gone.count() == 3
    assert set(gone.values_list("name", "email", "email_key", "user", "erased_at")) == {
        ("", "", "", None, now)
    }
    assert tokens.read(token) is None  # the link in the old mail finds nothing
    kept = Registration.objects.filter(event=recent)
    assert sorted(kept.values_list("email", flat=True)) == [f"r{i}@example.org" for i in range(3)]
    assert not kept.filter(erased_at__isnull=False).exists()
    assert {event.pk: services.counts(event) for event in (old, recent)} == before
    assert dict(Registration.objects.values_list("pk", "status")) == statuses
    # Each erased row got its own new secret.
    assert gone.values("secret").distinct().count() == 3
    # The history stays.
    assert Registration.objects.get(pk=first.pk).history.count() == 2


def test_the_daily_run_includes_the_erasure(nijkerk):
    event = meeting(local(2027, 1, 10, 19, 30))
    sign_up(event, 1, now=local(2027, 1, 1, 12, 0))
    lines = run_daily(event.end + datetime.timedelta(days=200))
    assert any(line.startswith("events: ") for line in lines)
