"""Sending email reliably: store it in the outbox, send it from a task, retry with back-off.

`queue_email()` is called inside the transaction that stores the record the email is about, so
the record, the outbox row and the queued task all exist or none does."""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone
from django_tasks import default_task_backend, task

from .db import checkpoint_wal
from .models import OutgoingEmail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
BACKOFF_BASE = datetime.timedelta(minutes=1)
BACKOFF_MAX = datetime.timedelta(hours=6)


def backoff(attempts: int) -> datetime.timedelta:
    """1, 2, 4, 8 ... minutes, at most 6 hours."""
    return min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_MAX)


def queue_email(*, to: str, subject: str, body: str, purpose: str, erase_recipient_when_sent=False) -> OutgoingEmail:
    email = OutgoingEmail.objects.create(to=to, subject=subject, body=body, purpose=purpose,
                                         erase_recipient_when_sent=erase_recipient_when_sent,
                                         next_attempt_at=timezone.now())
    send_email.enqueue(email.pk)
    return email


@task()
def send_email(email_id: int) -> str:
    # No transaction around the SMTP conversation: on SQLite it would hold the write lock.
    email = OutgoingEmail.objects.filter(pk=email_id).first()
    if email is None or email.status != OutgoingEmail.Status.PENDING:
        return "skipped"
    email.attempts += 1
    try:
        EmailMessage(email.subject, email.body, settings.DEFAULT_FROM_EMAIL, [email.to]).send()
    except Exception as error:  # noqa: BLE001 - any failure is retried; the type is recorded
        # The class and SMTP code only: a message text may quote the address.
        email.last_error = f"{type(error).__name__} {getattr(error, 'smtp_code', '')}".strip()[:200]
        if email.attempts >= MAX_ATTEMPTS:
            email.status, email.next_attempt_at = OutgoingEmail.Status.FAILED, None
            if email.erase_recipient_when_sent:
                email.to = ""
        else:
            email.next_attempt_at = timezone.now() + backoff(email.attempts)
        email.save(update_fields=["attempts", "last_error", "status", "next_attempt_at", "to"])
        if email.erase_recipient_when_sent and not email.to:
            checkpoint_wal()
        logger.warning("email %s (%s) not sent, attempt %s: %s", email.pk, email.purpose, email.attempts,
                       email.last_error)
        if email.status == OutgoingEmail.Status.PENDING and default_task_backend.supports_defer:
            send_email.using(run_after=email.next_attempt_at).enqueue(email.pk)
        return "retry"
    email.status, email.sent_at, email.next_attempt_at, email.last_error = (
        OutgoingEmail.Status.SENT, timezone.now(), None, "")
    if email.erase_recipient_when_sent:
        email.to = ""
    email.save(update_fields=["attempts", "last_error", "status", "next_attempt_at", "sent_at", "to"])
    if email.erase_recipient_when_sent:
        checkpoint_wal()
    return "sent"


def retry_due(now=None) -> int:
    """Queue a send for every pending email whose next attempt is due: the safety net for mail
    queued while no deferred tasks were possible. Returns how many were queued."""
    now = now or timezone.now()
    due = OutgoingEmail.objects.filter(status=OutgoingEmail.Status.PENDING, next_attempt_at__lte=now)
    count = 0
    for pk in due.values_list("pk", flat=True):
        send_email.enqueue(pk)
        count += 1
    return count


def purge_sent(now=None) -> int:
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.EMAIL_RETENTION_DAYS)
    deleted, _ = OutgoingEmail.objects.filter(status__in=[OutgoingEmail.Status.SENT, OutgoingEmail.Status.FAILED],
                                              created_at__lt=cutoff).delete()
    if deleted:
        checkpoint_wal()
    return deleted
