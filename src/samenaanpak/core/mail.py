"""Sending email reliably: store it in the outbox, send it from a task, retry until it is delivered.

- `queue_email()` is called inside the transaction that stores the record the email is about, so
  the record and the outbox row exist together or not at all; the send task is enqueued when that
  transaction commits.
- `flush_outbox` (a task) claims the due mail in batches, sends each batch over one SMTP
  connection, and marks each mail sent the moment the server accepted it. The scheduler enqueues
  it every minute while mail is waiting, so after an outage waiting mail goes out within a
  minute or two of the server's return.
- Retries back off (1, 2, 4 … minutes, at most EMAIL_RETRY_MAX_MINUTES) and go on for
  EMAIL_GIVE_UP_HOURS (a week by default: a mail server can be down for a weekend). Only then is a
  mail marked failed; the back office's home page tells beheerders about mail that waits long or
  failed. A permanent refusal of the address (SMTP 5xx) fails at once.
- Delivery is at least once, never silently zero: a claim expires after EMAIL_CLAIM_SECONDS, so a
  worker killed mid-batch leaves nothing stuck. A worker killed in the instant between the
  server's acceptance and the "sent" mark can cause one repeat; every mail carries a stable
  Message-ID (per outbox row), so mail programs recognise that repeat as the same message. A
  database that goes away in that instant causes none: the worker keeps trying to record the mark
  until the database is back, and leaves the rest of its batch to be claimed anew.
- A worker asked to stop (SIGTERM: a deploy, a scale-down) finishes the mail in hand and gives the
  rest of its batch back, so the SIGKILL that follows a grace period does not land mid-batch.
"""

import contextlib
import datetime
import logging
import smtplib
import threading

import django.dispatch
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from .db import checkpoint_wal
from .models import OutgoingEmail
from .resilience import CONNECTION_ERRORS, Outage

logger = logging.getLogger(__name__)

BATCH = 20
BACKOFF_BASE = datetime.timedelta(minutes=1)

# Sent when the mail server refused an address permanently (5xx), with `address` and `purpose`.
# Apps that mail people in bulk listen (notifications stops mailing the address); core imports none
# of them. Receivers run outside any transaction, after the outbox row is marked failed.
mail_rejected = django.dispatch.Signal()

# Set by `manage.py worker` when it is asked to stop: sending ends after the mail in hand.
stopping = threading.Event()


def backoff(attempts: int) -> datetime.timedelta:
    """1, 2, 4, 8 ... minutes, at most EMAIL_RETRY_MAX_MINUTES."""
    return min(
        BACKOFF_BASE * 2 ** max(attempts - 1, 0),
        datetime.timedelta(minutes=settings.EMAIL_RETRY_MAX_MINUTES),
    )


def one_line(subject: str) -> str:
    """A subject on one line: titles typed by residents may carry line breaks, which Django
    refuses in a header (and which would otherwise look like header injection)."""
    return " ".join(str(subject).split())


def queue_email(
    *,
    to: str,
    subject: str,
    body: str,
    purpose: str,
    erase_recipient_when_sent=False,
    headers: dict[str, str] | None = None,
    attachments: list[dict] | None = None,
) -> OutgoingEmail:
    """`headers`: extra message headers (bulk mail's List-Unsubscribe); service mail has none.
    `attachments`: text files, each {"filename", "content", "mimetype"} (a meeting's .ics)."""
    email = OutgoingEmail.objects.create(
        to=to,
        subject=one_line(subject),
        body=body,
        purpose=purpose,
        erase_recipient_when_sent=erase_recipient_when_sent,
        headers=dict(headers or {}),
        attachments=list(attachments or []),
        next_attempt_at=timezone.now(),
    )
    transaction.on_commit(flush_outbox.enqueue)
    return email


def withdraw(to: str, purposes) -> int:
    """Delete the mail of these purposes that still waits for this address (someone unsubscribed:
    the outbox must not send what they just said no to). A mail a worker is sending at this very
    moment may still arrive; its row is gone, and `_finish` copes with that."""
    if not to:
        return 0
    deleted, _ = OutgoingEmail.objects.filter(
        to__iexact=to, purpose__in=list(purposes), status=OutgoingEmail.Status.PENDING
    ).delete()
    return deleted


def message_id(email: OutgoingEmail) -> str:
    """The same for every attempt at one outbox row (make_msgid would add a random part)."""
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "localhost"
    return f"<uitgaand-{email.pk}-{int(email.created_at.timestamp())}@{domain}>"


def _due(now):
    return OutgoingEmail.objects.filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
        status=OutgoingEmail.Status.PENDING,
        next_attempt_at__lte=now,
    )


def _claim(now) -> list[OutgoingEmail]:
    """Up to BATCH due mails, claimed so that no other worker sends them meanwhile."""
    with transaction.atomic():
        ids = list(
            _due(now)
            .select_for_update(skip_locked=True)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:BATCH]
        )
        OutgoingEmail.objects.filter(pk__in=ids).update(
            claimed_until=now + datetime.timedelta(seconds=settings.EMAIL_CLAIM_SECONDS)
        )
    return list(OutgoingEmail.objects.filter(pk__in=ids).order_by("next_attempt_at", "pk"))


def _error_text(error: BaseException) -> str:
    # The class and SMTP code only: a message text may quote the address.
    code = (
        getattr(error, "smtp_code", "")
        or next(iter(getattr(error, "recipients", {}).values()), ("",))[0]
    )
    return f"{type(error).__name__} {code}".strip()[:200]


def _finish(email: OutgoingEmail, status: str, error: str = "") -> None:
    now = timezone.now()
    email.attempts += 1
    email.status, email.last_error, email.claimed_until = status, error, None
    if status == OutgoingEmail.Status.SENT:
        email.sent_at, email.next_attempt_at = now, None
    elif status == OutgoingEmail.Status.FAILED:
        email.next_attempt_at = None
    else:
        email.next_attempt_at = now + backoff(email.attempts)
        if now - email.created_at >= datetime.timedelta(hours=settings.EMAIL_GIVE_UP_HOURS):
            email.status, email.next_attempt_at = OutgoingEmail.Status.FAILED, None
    erase = email.erase_recipient_when_sent and email.status != OutgoingEmail.Status.PENDING
    if erase:
        email.to = ""
    # An update, not save(): a row deleted meanwhile (an unsubscribe, an erased account) is no
    # error that would stop the rest of the batch.
    OutgoingEmail.objects.filter(pk=email.pk).update(
        attempts=email.attempts,
        status=email.status,
        last_error=email.last_error,
        claimed_until=email.claimed_until,
        sent_at=email.sent_at,
        next_attempt_at=email.next_attempt_at,
        to=email.to,
    )
    if erase:
        checkpoint_wal()


def _answer_code(error: BaseException) -> int | None:
    """The server's answer to this one mail (it refused the address or the message), or None when
    the connection itself failed."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return max(code for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException) and not isinstance(
        error, smtplib.SMTPServerDisconnected
    ):
        return error.smtp_code
    return None


def send_batch(now=None) -> tuple[int, int]:
    """Claim and send one batch; (sent, not sent)."""
    emails = _claim(now or timezone.now())
    if not emails:
        return 0, 0
    sent = 0
    try:
        # Inside the try: a backend can fail while it is made (the file backend's folder is not
        # writable), and then too every mail must wait with the error and an attempt counted.
        connection = get_connection()
        connection.open()
    except Exception as error:  # noqa: BLE001 - the server is not there: every mail waits
        for email in emails:
            _finish(email, OutgoingEmail.Status.PENDING, _error_text(error))
        logger.warning(
            "mail server unavailable (%s); %d mail(s) wait", _error_text(error), len(emails)
        )
        return 0, len(emails)
    try:
        for position, email in enumerate(emails):
            if stopping.is_set():  # the rest is for another worker, at once
                OutgoingEmail.objects.filter(pk__in=[e.pk for e in emails[position:]]).update(
                    claimed_until=None
                )
                return sent, 0
            message = EmailMessage(
                one_line(email.subject),  # rows queued before one_line existed
                email.body,
                settings.DEFAULT_FROM_EMAIL,
                [email.to],
                connection=connection,
                headers={**(email.headers or {}), "Message-ID": message_id(email)},
            )
            for item in email.attachments or ():
                message.attach(item["filename"], item["content"], item["mimetype"])
            try:
                message.send()
            except Exception as error:  # noqa: BLE001
                code = _answer_code(error)
                if code is not None:
                    # About this mail only (a refused or greylisted address): the others go on.
                    permanent = 500 <= code < 600
                    address = email.to  # before _finish may erase it
                    _finish(
                        email,
                        OutgoingEmail.Status.FAILED if permanent else OutgoingEmail.Status.PENDING,
                        _error_text(error),
                    )
                    if permanent:
                        _tell_rejected(address, email.purpose)
                    continue
                # The connection broke: this mail and the rest of the batch wait for the next round.
                for waiting in emails[position:]:
                    _finish(waiting, OutgoingEmail.Status.PENDING, _error_text(error))
                logger.warning("mail server failed mid-batch (%s)", _error_text(error))
                return sent, len(emails) - sent
            sent += 1
            if not _mark_sent(email):
                # The database went away meanwhile: the claims on the rest of the batch may have
                # expired and been taken by another worker. Leave them to be claimed anew.
                rest = emails[position + 1 :]
                _release(rest)
                return sent, len(rest)
    finally:
        with contextlib.suppress(Exception):  # closing a broken connection may fail; nothing to do
            connection.close()
    return sent, 0


def _mark_sent(email: OutgoingEmail) -> bool:
    """Record that the server took this mail, however long the database is away: only this worker
    knows it went out, and were the mark lost, the claim would expire and another worker would send
    the mail a second time. False when the database failed meanwhile."""
    # Short pauses: once the database is back, the mark must come before another worker's claim.
    outage = Outage("mail", first_pause=0.25, max_pause=2)
    while True:
        try:
            _finish(email, OutgoingEmail.Status.SENT)
        except CONNECTION_ERRORS as error:
            outage.failed(error)
            continue
        failed = outage.since is not None
        outage.succeeded()
        return not failed


def _release(emails: list[OutgoingEmail]) -> None:
    """Give up this worker's claims on mails it did not try (only where the claim is still its own);
    when the database fails here too, the claims simply expire."""
    with contextlib.suppress(*CONNECTION_ERRORS):
        for email in emails:
            OutgoingEmail.objects.filter(pk=email.pk, claimed_until=email.claimed_until).update(
                claimed_until=None
            )


def _tell_rejected(address: str, purpose: str) -> None:
    for receiver, result in mail_rejected.send_robust(None, address=address, purpose=purpose):
        if isinstance(result, Exception):
            logger.error("mail_rejected receiver %s failed: %s", receiver, type(result).__name__)


@task()
def flush_outbox() -> str:
    """Send due mail, batch after batch, until none is due or the server fails."""
    total = 0
    while True:
        sent, failed = send_batch()
        total += sent
        if failed or not sent or stopping.is_set():
            return f"{total} sent" + (f", {failed} waiting" if failed else "")


def retry_due(now=None) -> int:
    """The scheduler's minute job: when mail is due (a retry's time came, or a send task was lost),
    enqueue one flush. Returns how many mails are due."""
    due = _due(now or timezone.now()).count()
    if due:
        flush_outbox.enqueue()
    return due


def waiting_long(now=None):
    """Mail the back office should warn about: pending for over an hour, or failed."""
    now = now or timezone.now()
    return OutgoingEmail.objects.filter(
        Q(status=OutgoingEmail.Status.PENDING, created_at__lt=now - datetime.timedelta(hours=1))
        | Q(status=OutgoingEmail.Status.FAILED)
    )


def purge_sent(now=None) -> int:
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.EMAIL_RETENTION_DAYS)
    deleted, _ = OutgoingEmail.objects.filter(
        status__in=[OutgoingEmail.Status.SENT, OutgoingEmail.Status.FAILED], created_at__lt=cutoff
    ).delete()
    if deleted:
        checkpoint_wal()
    return deleted
