"""The email path against a real SMTP server on loopback (aiosmtpd), including an outage and
recovery: nothing is lost, and the database-backed task queue retries with back-off."""

import datetime
import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from samenaanpak.core import mail
from samenaanpak.core.models import OutgoingEmail


class Inbox(Message):
    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SMTPServer:
    """A real SMTP server on loopback; stop() and start() simulate an outage."""

    def __init__(self):
        self.inbox, self.port, self.controller = Inbox(), free_port(), None

    def start(self):
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp(settings):
    server = SMTPServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    server.start()
    yield server
    server.stop()


@pytest.fixture
def db_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", stdout=open("/dev/null", "w"))


@pytest.mark.django_db(transaction=True)
def test_email_is_delivered_by_the_worker(smtp, db_tasks):
    email = mail.queue_email(to="anna@example.org", subject="Onderwerp", body="Tekst met é", purpose="test")
    assert smtp.inbox.messages == []  # nothing is sent inside the request
    run_worker()
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT and email.attempts == 1
    [message] = smtp.inbox.messages
    assert message["To"] == "anna@example.org" and message["Subject"] == "Onderwerp"


@pytest.mark.django_db(transaction=True)
def test_outage_then_recovery_loses_nothing(smtp, db_tasks):
    smtp.stop()
    emails = [mail.queue_email(to=f"p{i}@example.org", subject="S", body="B", purpose="test") for i in range(3)]
    run_worker()
    for email in emails:
        email.refresh_from_db()
        assert email.status == OutgoingEmail.Status.PENDING and email.attempts == 1
        assert email.last_error.startswith(("ConnectionRefusedError", "SMTPServerDisconnected", "OSError"))
        assert email.next_attempt_at > timezone.now()
    # The retries wait in the queue for their time (back-off), surviving a worker restart.
    waiting = DBTaskResult.objects.filter(status="READY", run_after__isnull=False)
    assert waiting.count() == 3

    smtp.start()
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now() - datetime.timedelta(seconds=1))
    run_worker()
    assert sorted(m["To"] for m in smtp.inbox.messages) == ["p0@example.org", "p1@example.org", "p2@example.org"]
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {OutgoingEmail.Status.SENT}


@pytest.mark.django_db
def test_backoff_grows_and_is_capped():
    assert mail.backoff(1) == datetime.timedelta(minutes=1)
    assert mail.backoff(4) == datetime.timedelta(minutes=8)
    assert mail.backoff(30) == datetime.timedelta(hours=6)


@pytest.mark.django_db
def test_gives_up_after_max_attempts_and_keeps_the_row(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 1
    email = mail.queue_email(to="x@example.org", subject="S", body="B", purpose="test")  # immediate backend
    for _ in range(mail.MAX_ATTEMPTS):
        mail.send_email.call(email.pk)
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.FAILED and email.attempts == mail.MAX_ATTEMPTS
    assert "x@example.org" not in email.last_error


@pytest.mark.django_db
def test_daily_sweep_requeues_due_mail_and_purges_old_sent_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    due = OutgoingEmail.objects.create(to="a@example.org", subject="S", body="B", purpose="test",
                                       next_attempt_at=timezone.now() - datetime.timedelta(minutes=1))
    old = OutgoingEmail.objects.create(to="b@example.org", subject="S", body="B", purpose="test",
                                       status=OutgoingEmail.Status.SENT)
    OutgoingEmail.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=31))
    call_command("run_daily_tasks", stdout=open("/dev/null", "w"))
    due.refresh_from_db()
    assert due.status == OutgoingEmail.Status.SENT
    assert not OutgoingEmail.objects.filter(pk=old.pk).exists()
