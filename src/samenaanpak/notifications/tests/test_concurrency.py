"""Two senders for one person at the same instant (the fan-out's immediate mail and the minute
job, or two schedulers) send one mail: the second waits at the subscriber's row, then finds the
deliveries sent. On PostgreSQL (row locks); SQLite's test database locks whole tables."""

import threading
import time

import pytest
from django.db import connection, transaction

from samenaanpak.core.models import OutgoingEmail
from samenaanpak.core.tests.factories import UserFactory
from samenaanpak.notifications import api, sending
from samenaanpak.notifications.models import Delivery, Frequency, Notice, Subscriber

from .factories import TopicFactory


@pytest.mark.django_db(transaction=True)
def test_two_senders_at_once_send_one_mail(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    topic, user = TopicFactory(), UserFactory()
    api.follow(topic, user)
    subscriber = api.subscriber_for(user)
    api.set_frequency(subscriber, Frequency.IMMEDIATE)
    notice = Notice.objects.create(topic=topic, title="Nieuws")
    Delivery.objects.create(notice=notice, subscriber=subscriber)

    queued, release = threading.Event(), threading.Event()
    original = sending.queue_email
    outcome = {}

    def slow_queue(**kwargs):
        email = original(**kwargs)
        if not queued.is_set():
            queued.set()
            release.wait(10)  # hold the transaction open, uncommitted
        return email

    monkeypatch.setattr(sending, "queue_email", slow_queue)

    def sender(name):
        try:
            if name == "second":
                queued.wait(10)
            outcome[name] = sending.send_waiting(subscriber.pk)
            outcome[f"{name}-finished"] = time.monotonic()
        finally:
            connection.close()

    threads = [threading.Thread(target=sender, args=(n,)) for n in ("first", "second")]
    for thread in threads:
        thread.start()
    queued.wait(10)
    time.sleep(0.5)  # the second sender now waits at the subscriber's row
    released = time.monotonic()
    release.set()
    for thread in threads:
        thread.join(15)
    assert outcome["first"] == 1 and outcome["second"] == 0
    assert outcome["second-finished"] >= released
    assert OutgoingEmail.objects.count() == 1
    assert Subscriber.objects.get(pk=subscriber.pk)
    with transaction.atomic():
        assert Delivery.objects.get().sent_at is not None
