"""The moderators' queue and the audit log: the two things both the public side (posting,
reports) and the back office (moderation.py) write. One open QueueItem per post at most."""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from .models import ModerationLog, Post, QueueItem
from .status import URGENT_KINDS, QueueKind

# How pressing a kind is: an open item moves up to a more pressing kind (a reported post that
# reports then hid is "Verborgen na meldingen", a hidden post its author changed asks for review).
PRESSING = {
    QueueKind.REPORTED: 0,
    QueueKind.HELD: 1,
    QueueKind.HIDDEN: 2,
    QueueKind.REVIEW: 3,
    QueueKind.CRISIS: 4,
}


def open_items():
    """What waits, urgent first, then oldest first."""
    return QueueItem.objects.filter(looked_at__isnull=True).order_by("-urgent", "created_at", "pk")


def enqueue(post: Post, kind: str, *, urgent: bool | None = None, now=None) -> QueueItem:
    """Put `post` in the queue (or keep its open item, raising it to urgent and to the new kind
    when that is more pressing). Safe when two requests do it at once."""
    urgent = kind in URGENT_KINDS if urgent is None else urgent
    now = now or timezone.now()
    with transaction.atomic():
        item = (
            QueueItem.objects.select_for_update().filter(post=post, looked_at__isnull=True).first()
        )
        if item is None:
            try:
                with transaction.atomic():
                    return QueueItem.objects.create(
                        post=post, kind=kind, urgent=urgent, created_at=now
                    )
            except IntegrityError:  # the other request made it first
                item = QueueItem.objects.select_for_update().get(post=post, looked_at__isnull=True)
        if urgent and not item.urgent:
            item.urgent, item.kind = True, kind
            item.save(update_fields=["urgent", "kind"])
        elif not item.urgent and PRESSING.get(kind, 0) > PRESSING.get(item.kind, 0):
            item.kind = kind
            item.save(update_fields=["kind"])
        return item


def mark_looked(post: Post, moderator, now=None) -> int:
    """A moderator decided about `post`: its open item is closed (the response time ends)."""
    return QueueItem.objects.filter(post=post, looked_at__isnull=True).update(
        looked_at=now or timezone.now(), looked_by=moderator
    )


def close_withdrawn(post: Post) -> int:
    """The author withdrew `post`: its open item is deleted, not marked as looked at. Nothing is
    left to decide, and no moderator looked, so it may not count in the response times
    (moderation.figures counts looked-at items). The withdrawal itself is in the post's history.
    An urgent item (crisis words, "Ik maak me zorgen") stays open: the writer may still need a
    moderator to follow up, whatever became of the post. Returns the number deleted."""
    deleted, _rows = QueueItem.objects.filter(
        post=post, looked_at__isnull=True, urgent=False
    ).delete()
    return deleted


def log(action: str, *, moderator=None, post=None, member=None, reason="", note="") -> None:
    ModerationLog.objects.create(
        action=action,
        moderator=moderator,
        post=post,
        member=member if member is not None else (post.author if post is not None else None),
        reason=reason,
        note=(note or "")[:300],
    )


def waiting_longer_than(minutes: int, now=None):
    now = now or timezone.now()
    return open_items().filter(
        Q(urgent=True) | Q(created_at__lte=now - datetime.timedelta(minutes=minutes))
    )
