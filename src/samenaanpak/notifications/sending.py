"""Turning deliveries into mail: one plain-text message per subscriber per sending moment (at once
for `direct`, at the digest time for `dagelijks`/`wekelijks`), grouped by topic, newest first.

Exactly once per person: the deliveries a mail holds get their `sent_at` in the transaction that
puts the mail in the outbox, and that transaction starts by writing the subscriber's row, so a
second sender for the same person (the fan-out and the minute job, two schedulers) waits there
and then finds nothing left to send. From the outbox on, core.mail's guarantees hold (an SMTP
outage delays, never loses; a stable Message-ID per outbox row).
"""

import datetime
from collections import OrderedDict

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from samenaanpak.core.mail import queue_email

from . import tokens
from .models import Delivery, Frequency, Subscriber

PURPOSE_NOTICE = "melding"
PURPOSE_DIGEST = "meldingen-overzicht"


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def unsubscribe_url(subscriber) -> str:
    token = tokens.sign_subscriber(subscriber, tokens.UNSUBSCRIBE)
    return absolute(reverse("notifications:unsubscribe", args=[token]))


def manage_path(subscriber) -> str:
    """The settings page: an account's own, or the signed link of an address without one."""
    if subscriber.user_id:
        return reverse("notifications:preferences")
    return reverse("notifications:manage", args=[tokens.sign_subscriber(subscriber, tokens.MANAGE)])


def manage_url(subscriber) -> str:
    return absolute(manage_path(subscriber))


def bulk_headers(subscriber) -> dict[str, str]:
    """RFC 2369 List-Unsubscribe with an https URL, and RFC 8058 one-click."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(subscriber)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def can_receive(subscriber) -> bool:
    """Bulk mail only to a usable, confirmed address that was not refused."""
    if subscriber.rejected_at is not None or subscriber.frequency == Frequency.NEVER:
        return False
    if subscriber.user_id:
        return subscriber.user.is_active and bool(subscriber.user.email)
    return subscriber.confirmed_at is not None and bool(subscriber.email)


def grouped(deliveries) -> list[dict]:
    """[{topic, notices: [newest first]}], the topic with the newest notice first; each notice and
    each topic once."""
    groups: OrderedDict[int, dict] = OrderedDict()
    ordered = sorted(deliveries, key=lambda d: (d.notice.created_at, d.notice.pk), reverse=True)
    for delivery in ordered:
        notice = delivery.notice
        group = groups.setdefault(notice.topic_id, {"topic": notice.topic, "notices": []})
        group["notices"].append(notice)
    return list(groups.values())


def _subject(groups, digest: bool, frequency: str) -> str:
    count = sum(len(group["notices"]) for group in groups)
    if not digest and count == 1:
        return groups[0]["notices"][0].title
    if frequency == Frequency.WEEKLY:
        return ngettext(
            "Nieuws van deze week: %(count)d bericht",
            "Nieuws van deze week: %(count)d berichten",
            count,
        ) % {"count": count}
    if digest:
        return ngettext(
            "Nieuws van vandaag: %(count)d bericht",
            "Nieuws van vandaag: %(count)d berichten",
            count,
        ) % {"count": count}
    return ngettext(
        "Nieuws over wat u volgt: %(count)d bericht",
        "Nieuws over wat u volgt: %(count)d berichten",
        count,
    ) % {"count": count}


def send_waiting(subscriber_id: int, *, before=None, digest=False, now=None) -> int:
    """Queue one mail with this subscriber's unsent deliveries (only those made before `before`,
    when given) and mark them sent, in one transaction. Returns the number of notices mailed."""
    now = now or timezone.now()
    with transaction.atomic():
        # Writing the row first: PostgreSQL locks it, SQLite (IMMEDIATE transactions) already
        # holds the write lock; a concurrent sender for this person waits here.
        mark = {"last_digest_at": now} if digest else {"frequency": F("frequency")}
        if not Subscriber.objects.filter(pk=subscriber_id).update(**mark):
            return 0  # unsubscribed meanwhile
        subscriber = (
            Subscriber.objects.select_for_update(of=("self",))
            .select_related("user")
            .get(pk=subscriber_id)
        )
        if not can_receive(subscriber):
            return 0
        waiting = Delivery.objects.filter(subscriber=subscriber, sent_at__isnull=True)
        if before is not None:
            waiting = waiting.filter(created_at__lt=before)
        deliveries = list(waiting.select_related("notice__topic"))
        if not deliveries:
            return 0
        mailing = _once_per_event(subscriber, deliveries)
        if not mailing:  # all of it was already mailed through another topic
            Delivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(sent_at=now)
            return 0
        groups = grouped(mailing)
        with translation.override(settings.LANGUAGE_CODE):
            body = render_to_string(
                "notifications/email/notices.txt",
                {
                    "groups": groups,
                    "digest": digest,
                    "period": _("elke week")
                    if subscriber.frequency == Frequency.WEEKLY
                    else _("elke dag"),
                    "site_url": settings.SITE_URL,
                    "manage_url": manage_url(subscriber),
                    "unsubscribe_url": unsubscribe_url(subscriber),
                },
            )
            subject = _subject(groups, digest, subscriber.frequency)
        queue_email(
            to=subscriber.address,
            subject=subject,
            body=body,
            purpose=PURPOSE_DIGEST if digest else PURPOSE_NOTICE,
            headers=bulk_headers(subscriber),
        )
        Delivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(sent_at=now)
        return len(mailing)


def _once_per_event(subscriber, deliveries) -> list:
    """One event posted on several topics this person follows is mailed once: under the first
    of its notices, unless an earlier mail already carried it."""
    keys = {d.notice.event for d in deliveries if d.notice.event}
    seen = (
        set(
            Delivery.objects.filter(
                subscriber=subscriber, sent_at__isnull=False, notice__event__in=keys
            ).values_list("notice__event", flat=True)
        )
        if keys
        else set()
    )
    mailing = []
    for delivery in sorted(deliveries, key=lambda d: (d.notice.created_at, d.notice.pk)):
        key = delivery.notice.event
        if key and key in seen:
            continue
        if key:
            seen.add(key)
        mailing.append(delivery)
    return mailing


# --- Digest timing ------------------------------------------------------------------------------


def _digest_time() -> datetime.time:
    hour, minute = settings.NOTIFICATION_DIGEST_TIME.split(":")
    return datetime.time(int(hour), int(minute))


def period_start(frequency: str, now=None) -> datetime.datetime:
    """The latest digest moment at or before `now`, in Europe/Amsterdam (TIME_ZONE): today's (or
    yesterday's) digest time for daily, the last NOTIFICATION_WEEKLY_DAY's for weekly. Built from
    the local date and time, so it stays at 07:00 across the DST changes."""
    local = timezone.localtime(now or timezone.now())
    moment = timezone.make_aware(datetime.datetime.combine(local.date(), _digest_time()))
    if moment > local:
        moment = timezone.make_aware(
            datetime.datetime.combine(local.date() - datetime.timedelta(days=1), _digest_time())
        )
    if frequency == Frequency.WEEKLY:
        back = (moment.isoweekday() - settings.NOTIFICATION_WEEKLY_DAY) % 7
        moment = timezone.make_aware(
            datetime.datetime.combine(moment.date() - datetime.timedelta(days=back), _digest_time())
        )
    return moment


def send_due(now=None) -> tuple[int, int]:
    """The minute job: every digest whose moment has come and that was not sent in this period,
    and any immediate subscriber's leftovers (a frequency just changed to direct, a fan-out that
    died before mailing). Returns (mails, notices). Safe to run any number of times."""
    now = now or timezone.now()
    mails = notices = 0
    waiting = Delivery.objects.filter(subscriber=OuterRef("pk"), sent_at__isnull=True)
    base = Subscriber.objects.filter(rejected_at__isnull=True).filter(
        Q(user__isnull=False) | Q(confirmed_at__isnull=False)
    )
    for frequency in (Frequency.DAILY, Frequency.WEEKLY):
        start = period_start(frequency, now)
        due = (
            base.filter(frequency=frequency)
            .filter(Q(last_digest_at__isnull=True) | Q(last_digest_at__lt=start))
            .filter(Exists(waiting.filter(created_at__lt=start)))
            .values_list("pk", flat=True)
        )
        for pk in list(due):
            sent = send_waiting(pk, before=start, digest=True, now=now)
            mails, notices = mails + bool(sent), notices + sent
    for pk in list(
        base.filter(frequency=Frequency.IMMEDIATE)
        .filter(Exists(waiting))
        .values_list("pk", flat=True)
    ):
        sent = send_waiting(pk, now=now)
        mails, notices = mails + bool(sent), notices + sent
    return mails, notices
