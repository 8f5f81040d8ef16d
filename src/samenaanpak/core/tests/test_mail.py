"""The email path against a real SMTP server on loopback (aiosmtpd), including an outage and
recovery: nothing is lost, and the database-backed task queue retries with back-off."""

import datetime
from email.header import decode_header, make_header

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from samenaanpak.core import mail
from samenaanpak.core.models import OutgoingEmail
from samenaanpak.tests.smtp import free_port
from samenaanpak.tests.smtp import queue_mail as queue


def run_worker():
    call_command(
        "worker", "--batch", "--no-startup-delay", "--interval", "0", stdout=open("/dev/null", "w")
    )


def later(minutes):
    """Every waiting mail's next attempt is due, as `minutes` later."""
    OutgoingEmail.objects.update(
        next_attempt_at=timezone.now() - datetime.timedelta(seconds=1),
        created_at=timezone.now() - datetime.timedelta(minutes=minutes),
    )


@pytest.mark.django_db(transaction=True)
def test_email_is_delivered_by_the_worker_with_a_stable_message_id(smtp, db_tasks):
    [email] = queue()
    assert smtp.inbox.messages == []  # nothing is sent inside the request
    run_worker()
    email.refresh_from_db()
    assert (
        email.status == OutgoingEmail.Status.SENT
        and email.attempts == 1
        and email.claimed_until is None
    )
    [message] = smtp.inbox.messages
    assert message["To"] == "p0@example.org" and message["Subject"] == "Onderwerp"
    assert (
        message["Message-ID"]
        == mail.message_id(email)
        == mail.message_id(OutgoingEmail.objects.get())
    )


@pytest.mark.django_db(transaction=True)
def test_outage_of_days_past_the_old_give_up_point_ends_with_every_mail_delivered_once(
    smtp, db_tasks
):
    """The old outbox gave up after 10 attempts (about 8.5 hours) and never tried again."""
    smtp.stop()
    emails = queue(3)
    run_worker()
    for email in emails:
        email.refresh_from_db()
        assert email.status == OutgoingEmail.Status.PENDING and email.attempts == 1
        assert email.last_error.startswith(
            ("ConnectionRefusedError", "SMTPServerDisconnected", "OSError")
        )
        assert (
            timezone.now() < email.next_attempt_at <= timezone.now() + datetime.timedelta(minutes=1)
        )
    for minutes in range(
        60, 3 * 24 * 60, 240
    ):  # three days of a dead server, a round every few hours
        later(minutes)
        assert mail.retry_due() == 3  # the scheduler's minute job
        run_worker()
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {
        OutgoingEmail.Status.PENDING
    }
    assert OutgoingEmail.objects.first().attempts > 10
    assert OutgoingEmail.objects.first().next_attempt_at <= timezone.now() + datetime.timedelta(
        minutes=2
    )

    smtp.start()
    later(3 * 24 * 60)
    mail.retry_due()
    run_worker()
    assert sorted(m["To"] for m in smtp.inbox.messages) == [
        "p0@example.org",
        "p1@example.org",
        "p2@example.org",
    ]
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {
        OutgoingEmail.Status.SENT
    }
    run_worker()
    mail.retry_due()
    run_worker()
    assert len(smtp.inbox.messages) == 3  # nothing twice


def test_backoff_grows_and_is_capped(settings):
    settings.EMAIL_RETRY_MAX_MINUTES = 2
    assert mail.backoff(1) == datetime.timedelta(minutes=1)
    assert mail.backoff(2) == datetime.timedelta(minutes=2)
    assert mail.backoff(30) == datetime.timedelta(minutes=2)


@pytest.mark.django_db
def test_gives_up_only_after_a_week_and_then_tells_the_beheerder(settings, client, verified_login):
    from samenaanpak.tests.factories import UserFactory

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 1
    [email] = queue()
    OutgoingEmail.objects.update(created_at=timezone.now() - datetime.timedelta(days=6))
    mail.send_batch()
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.PENDING and "x@" not in email.last_error
    verified_login(client, UserFactory(username="beheer", is_superuser=True))
    html = client.get("/beheer/").content.decode()
    assert "1 e-mail wacht al langer dan een uur op de mailserver" in html
    later(8 * 24 * 60)
    mail.send_batch()
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.FAILED
    assert "1 e-mail kon niet worden verstuurd" in client.get("/beheer/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_an_address_the_server_refuses_for_good_fails_at_once_and_the_rest_go(smtp, db_tasks):
    smtp.inbox.refuse = {"weg@example.org"}
    queue(1, to="weg@example.org")
    queue(1, to="er@example.org")
    run_worker()
    statuses = dict(OutgoingEmail.objects.values_list("to", "status"))
    assert statuses == {
        "weg@example.org": OutgoingEmail.Status.FAILED,
        "er@example.org": OutgoingEmail.Status.SENT,
    }
    assert OutgoingEmail.objects.get(to="weg@example.org").last_error == "SMTPRecipientsRefused 550"


@pytest.mark.django_db
def test_a_mail_backend_that_fails_while_it_is_made_leaves_the_mail_waiting_with_the_error(
    settings, tmp_path
):
    # The file backend makes its folder when it is made: a file where the folder should be fails.
    blocker = tmp_path / "mail"
    blocker.write_text("not a folder")
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(blocker / "inbox")
    email = OutgoingEmail.objects.create(
        to="a@example.org",
        subject="S",
        body="B",
        purpose="test",
        next_attempt_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    assert mail.send_batch() == (0, 1)
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.PENDING
    assert email.attempts == 1 and email.last_error and email.next_attempt_at is not None


@pytest.mark.django_db
def test_daily_work_purges_old_sent_mail_and_the_minute_job_sends_due_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    due = OutgoingEmail.objects.create(
        to="a@example.org",
        subject="S",
        body="B",
        purpose="test",
        next_attempt_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    old = OutgoingEmail.objects.create(
        to="b@example.org", subject="S", body="B", purpose="test", status=OutgoingEmail.Status.SENT
    )
    OutgoingEmail.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=31)
    )
    call_command("run_daily_tasks", stdout=open("/dev/null", "w"))
    assert not OutgoingEmail.objects.filter(pk=old.pk).exists()
    call_command(
        "scheduler", "--once", stdout=open("/dev/null", "w")
    )  # immediate task backend in tests
    due.refresh_from_db()
    assert due.status == OutgoingEmail.Status.SENT


@pytest.mark.django_db(transaction=True)
def test_a_greylisted_address_waits_alone_and_the_rest_of_the_batch_goes(smtp, db_tasks):
    """A 450 for one address held up its whole batch, possibly for a week."""
    smtp.inbox.greylist = {"later@example.org"}
    smtp.inbox.refuse = {"weg@example.org"}
    for address in ("later@example.org", "a@example.org", "weg@example.org", "b@example.org"):
        queue(1, to=address)
    run_worker()
    statuses = dict(OutgoingEmail.objects.values_list("to", "status"))
    assert statuses == {
        "later@example.org": OutgoingEmail.Status.PENDING,
        "a@example.org": OutgoingEmail.Status.SENT,
        "weg@example.org": OutgoingEmail.Status.FAILED,
        "b@example.org": OutgoingEmail.Status.SENT,
    }
    assert (
        OutgoingEmail.objects.get(to="later@example.org").last_error == "SMTPRecipientsRefused 450"
    )
    assert sorted(m["To"] for m in smtp.inbox.messages) == ["a@example.org", "b@example.org"]


@pytest.mark.django_db(transaction=True)
def test_a_line_break_in_a_subject_is_flattened_not_a_poisoned_batch(smtp, db_tasks):
    """Review: an idea's title comes from residents, and a tampered form keeps its line breaks
    (core.text.clean_text keeps them); it ends up in subjects ("Bevestig dat u „<titel>” wilt
    volgen"). Django refuses such a header, and the outbox took the refusal for a broken
    connection: that mail and the rest of its batch waited, round after round, for a week."""
    with transaction.atomic():
        poisoned = mail.queue_email(
            to="p0@example.org",
            subject="Bevestig „Skatebaan\r\nBcc: evil@example.org” ",
            body="Tekst",
            purpose="test",
        )
    others = queue(2, to="p1@example.org")
    run_worker()
    for email in [poisoned, *others]:
        email.refresh_from_db()
        assert email.status == OutgoingEmail.Status.SENT
    assert len(smtp.inbox.messages) == 3
    first = next(m for m in smtp.inbox.messages if m["To"] == "p0@example.org")
    subject = str(make_header(decode_header(first["Subject"])))
    assert subject.strip() == "Bevestig „Skatebaan Bcc: evil@example.org”"
    assert first["Bcc"] is None
    assert all("evil@example.org" not in (m["X-RcptTo"] or "") for m in smtp.inbox.messages)


@pytest.mark.django_db(transaction=True)
def test_a_mail_taken_while_the_database_went_away_is_marked_sent_and_not_sent_again(
    smtp, db_tasks, monkeypatch
):
    """The cluster test's PostgreSQL outage: the server had taken a mail when the database went,
    so the "sent" mark failed, the task died, the claim expired, and another worker sent the mail
    a second time. Now the worker keeps trying to record the mark until the database is back, and
    leaves the rest of its batch (whose claims may have expired meanwhile) to be claimed anew."""
    from django.db import OperationalError

    from samenaanpak.core import resilience

    emails = queue(3)
    real_finish, away = mail._finish, iter([True, True])  # the database is away for two tries

    def finish(email, status, error=""):
        if status == OutgoingEmail.Status.SENT and next(away, False):
            raise OperationalError("terminating connection due to administrator command")
        return real_finish(email, status, error)

    monkeypatch.setattr(mail, "_finish", finish)
    monkeypatch.setattr(resilience.time, "sleep", lambda seconds: None)
    assert mail.send_batch() == (1, 2)
    [message] = smtp.inbox.messages
    statuses = {e.pk: e for e in OutgoingEmail.objects.all()}
    sent = next(e for e in statuses.values() if e.status == OutgoingEmail.Status.SENT)
    assert message["Message-ID"] == mail.message_id(sent) and sent.attempts == 1
    rest = [e for e in statuses.values() if e.pk != sent.pk]
    assert all(e.status == OutgoingEmail.Status.PENDING for e in rest)
    assert all(e.claimed_until is None and e.attempts == 0 for e in rest)  # free, not an attempt

    run_worker()
    mail.retry_due()
    run_worker()
    assert sorted(m["Message-ID"] for m in smtp.inbox.messages) == sorted(
        mail.message_id(e) for e in emails
    )
