"""Several workers and schedulers on one database, as real `manage.py worker` / `scheduler`
processes sending to a real SMTP server on loopback.

- Two workers drain the outbox: every mail arrives once. One is killed (SIGKILL) in the middle of a
  conversation with the server: its claimed batch and its task come back (claim expiry, the
  scheduler's stale-task recovery) and are sent by the other, still once each.
- The window that remains (docs/architecture.md, "Several app servers"): a worker killed after the
  server accepted a mail and before the row is marked sent makes one repeat, with the same
  Message-ID. The test makes it happen on purpose and measures how long the window normally is.
- Two schedulers started together run the daily work once, and the minute jobs twice without a
  second digest."""

import datetime
import os
import signal
import statistics
import threading
import time

import pytest
from django.db import connection
from django.utils import timezone

from samenaanpak.core.models import OutgoingEmail
from samenaanpak.tests.replicas import count, manage, rows, stop
from samenaanpak.tests.servers import database_url
from samenaanpak.tests.smtp import queue_mail

pytestmark = pytest.mark.django_db(transaction=True)

MAILS = 50
SENT = OutgoingEmail.Status.SENT.value
PENDING = OutgoingEmail.Status.PENDING.value
FAST = {"EMAIL_CLAIM_SECONDS": 3, "TASK_LEASE_SECONDS": 3, "EMAIL_TIMEOUT": 5}


def _wait(condition, seconds=40, step=0.05):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return False


def _worker(tmp_path, url, smtp):
    return manage(
        tmp_path, url, "worker", "--interval", "0.2", "--no-startup-delay",
        EMAIL_URL=smtp.url, **FAST,
    )  # fmt: skip


def _recipients(smtp):
    return sorted(message["To"] for message in smtp.inbox.messages)


def test_two_workers_send_each_mail_once_even_when_one_is_killed(db_tasks, smtp, tmp_path):
    queue_mail(MAILS)  # 50 outbox rows, and a send task for each, queued when it commits
    url = database_url(tmp_path)
    smtp.inbox.hold = threading.Event()  # every conversation waits at RCPT until released
    workers = [_worker(tmp_path, url, smtp) for _ in range(2)]
    scheduler = None
    try:
        # Both workers have claimed a batch and are in the middle of sending its first mail.
        assert _wait(lambda: smtp.inbox.waiting >= 2), [stop(w) for w in workers]
        os.kill(workers[0].pid, signal.SIGKILL)
        workers[0].wait()
        smtp.inbox.hold.set()
        # The scheduler puts the dead worker's task back and queues a flush for the mail whose
        # claim expired; the other worker sends it.
        scheduler = manage(tmp_path, url, "scheduler", "--interval", "1", **FAST)
        assert _wait(lambda: len(smtp.inbox.messages) >= MAILS), _recipients(smtp)
        time.sleep(FAST["EMAIL_CLAIM_SECONDS"] + 1)  # time for a repeat to show, if there were one
    finally:
        log = "".join(stop(p) for p in (workers[1], scheduler) if p)
    assert _recipients(smtp) == sorted(f"p{i}@example.org" for i in range(MAILS)), log[-3000:]
    assert len({m["Message-ID"] for m in smtp.inbox.messages}) == MAILS
    assert count(url, "core_outgoingemail", "status = %s", [SENT]) == MAILS

    # The window in which a kill makes a repeat: from the server's acceptance to the "sent" mark.
    sent_at = [
        value if isinstance(value, datetime.datetime) else datetime.datetime.fromisoformat(value)
        for (value,) in rows(url, "SELECT sent_at FROM core_outgoingemail ORDER BY sent_at")
    ]
    gaps = sorted(
        (at.replace(tzinfo=datetime.UTC) if at.tzinfo is None else at).timestamp() - received
        for at, received in zip(sent_at, sorted(smtp.inbox.received_at), strict=True)
    )
    print(
        f"\nacceptance → sent mark ({connection.vendor}): median {statistics.median(gaps) * 1000:.1f} ms, "
        f"max {max(gaps) * 1000:.1f} ms over {len(gaps)} mails"
    )


def test_a_kill_between_acceptance_and_the_sent_mark_repeats_with_the_same_message_id(
    db_tasks, smtp, tmp_path
):
    """The window that SMTP cannot close: the server has stored the mail, and the worker dies before
    it has read the server's "250" and marked the row. Made to happen here by holding that answer."""
    queue_mail(1)
    url = database_url(tmp_path)
    smtp.inbox.hold_answer = threading.Event()
    worker = _worker(tmp_path, url, smtp)
    scheduler = None
    try:
        assert _wait(lambda: len(smtp.inbox.messages) == 1), stop(worker)  # accepted, unanswered
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
        smtp.inbox.hold_answer.set()
        # The claim expires; the next worker sends the mail again.
        worker = _worker(tmp_path, url, smtp)
        scheduler = manage(tmp_path, url, "scheduler", "--interval", "1", **FAST)
        assert _wait(lambda: len(smtp.inbox.messages) == 2, seconds=30)
    finally:
        for process in (worker, scheduler):
            if process:
                stop(process)
    first, repeat = smtp.inbox.messages
    assert first["Message-ID"] == repeat["Message-ID"]  # mail programs show it once
    assert count(url, "core_outgoingemail", "status = %s", [SENT]) == 1


def test_a_worker_asked_to_stop_sends_the_mail_in_hand_and_gives_back_the_rest(
    db_tasks, smtp, tmp_path
):
    """SIGTERM (a deploy, a scale-down) in the middle of a batch: the worker finishes the mail it is
    sending, releases the others at once and exits, well within a grace period."""
    queue_mail(5)
    url = database_url(tmp_path)
    smtp.inbox.hold = threading.Event()
    worker = _worker(tmp_path, url, smtp)
    try:
        assert _wait(lambda: smtp.inbox.waiting >= 1), stop(worker)
        os.kill(worker.pid, signal.SIGTERM)
        time.sleep(0.3)
        smtp.inbox.hold.set()
        worker.wait(timeout=20)
    finally:
        log = stop(worker)
    assert worker.returncode == 0, log[-2000:]
    assert len(smtp.inbox.messages) == 1
    released = count(url, "core_outgoingemail", "status = %s AND claimed_until IS NULL", [PENDING])
    assert released == 4


def test_two_schedulers_run_the_daily_work_once_and_send_one_digest(tmp_path, db):
    from samenaanpak.core.tests.factories import UserFactory
    from samenaanpak.notifications import api
    from samenaanpak.notifications.models import Delivery, Frequency, Notice
    from samenaanpak.notifications.sending import PURPOSE_DIGEST, period_start
    from samenaanpak.notifications.tests.factories import TopicFactory

    # A daily digest is due: a notice from before today's (or yesterday's) digest moment.
    topic, user = TopicFactory(), UserFactory(email="volger@example.org")
    api.follow(topic, user)
    subscriber = api.subscriber_for(user)
    api.set_frequency(subscriber, Frequency.DAILY)
    notice = Notice.objects.create(topic=topic, title="Nieuws")
    Delivery.objects.create(notice=notice, subscriber=subscriber)
    before = period_start(Frequency.DAILY) - datetime.timedelta(hours=1)
    Delivery.objects.update(created_at=before)
    Notice.objects.update(created_at=before)

    url = database_url(tmp_path)
    schedulers = [
        manage(tmp_path, url, "scheduler", "--interval", "0.5", TASKS_BACKEND="django_tasks_db.DatabaseBackend")
        for _ in range(2)
    ]  # fmt: skip
    today = timezone.localdate()
    try:
        assert _wait(
            lambda: count(url, "core_throttlecounter", '"key" LIKE %s', [f"%daily-done:{today}"]),
            seconds=60,
        )
        time.sleep(3)  # several more rounds of both
    finally:
        outputs = [stop(s) for s in schedulers]
    # The daily work printed its lines in exactly one of them.
    assert sum("core:" in output for output in outputs) == 1, outputs
    assert all("Traceback" not in output for output in outputs), outputs
    assert count(url, "core_outgoingemail", "purpose = %s", [PURPOSE_DIGEST]) == 1
