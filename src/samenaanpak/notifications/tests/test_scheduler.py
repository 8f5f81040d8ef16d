"""The scheduler finds notifications' minute job (digests) and daily job (expired sign-ups) by
name, as it finds every app's daily.py."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from samenaanpak.core import scheduler
from samenaanpak.core.models import OutgoingEmail
from samenaanpak.core.tests.factories import UserFactory
from samenaanpak.notifications import api
from samenaanpak.notifications.models import Consent, Delivery, Follow, Subscriber

from .factories import TopicFactory

pytestmark = pytest.mark.django_db


def test_the_minute_job_sends_due_digests(settings):
    topic, user = TopicFactory(), UserFactory()
    api.follow(topic, user)
    with TestCase.captureOnCommitCallbacks(execute=True):
        api.post(topic, "Nieuws")
    yesterday = timezone.now() - datetime.timedelta(days=1, hours=1)
    Delivery.objects.update(created_at=yesterday)
    out = io.StringIO()
    call_command("scheduler", "--once", "--verbosity", "2", stdout=out)
    assert "notifications: 1 mail(s) with 1 notice(s) queued" in out.getvalue()
    assert OutgoingEmail.objects.get().to == user.email
    assert "notifications: 0 mail(s) with 0 notice(s) queued" in scheduler.every_minute()


def test_the_daily_job_deletes_sign_ups_never_confirmed(settings):
    topic = TopicFactory()
    old = timezone.now() - datetime.timedelta(days=settings.NOTIFICATION_OPTIN_DAYS + 1)
    stale = Subscriber.objects.create(email="nooit@example.org")
    Follow.objects.create(subscriber=stale, topic=topic)
    Consent.objects.create(subscriber=stale, topic=topic, text="Ja", page="/volgen/")
    fresh = Subscriber.objects.create(email="net@example.org")
    Consent.objects.create(subscriber=fresh, topic=topic, text="Ja", page="/volgen/")
    Subscriber.objects.filter(pk=stale.pk).update(created_at=old)
    Follow.objects.filter(subscriber=stale).update(created_at=old)
    Consent.objects.filter(subscriber=stale).update(given_at=old)
    lines = scheduler.run_daily()
    assert any(line.startswith("notifications:") for line in lines)
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["net@example.org"]
