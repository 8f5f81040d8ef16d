"""Daily work of the vrijplaats (run once a day by `manage.py scheduler`): retention.

- The text of a removed or withdrawn post is erased FORUM_REMOVED_RETENTION_DAYS after its
  removal (the time of the status step that removed it); the row stays (text "", `erased_at`
  set) so its thread and the audit log keep their shape.
- Handled reports go after the same FORUM_REMOVED_RETENTION_DAYS (counted from `handled_at`).
- The audit log (ModerationLog), warnings and closed queue items go after
  FORUM_AUDIT_RETENTION_DAYS: warnings count towards an automatic block for one year only, but
  a moderator looking at a member sees the same history the log shows. Queue items serve the
  response-time figures (30 days back at most)."""

import datetime

from django.conf import settings
from django.utils import timezone

from .models import MemberWarning, ModerationLog, Post, PostReport, QueueItem
from .status import PostStatus


def erase_removed(now=None) -> int:
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.FORUM_REMOVED_RETENTION_DAYS)
    return Post.objects.filter(
        status__in=(PostStatus.REMOVED, PostStatus.WITHDRAWN),
        erased_at__isnull=True,
        state__created_at__lt=cutoff,
    ).update(text="", erased_at=now)


def purge(now=None) -> dict:
    now = now or timezone.now()
    removed_cutoff = now - datetime.timedelta(days=settings.FORUM_REMOVED_RETENTION_DAYS)
    audit_cutoff = now - datetime.timedelta(days=settings.FORUM_AUDIT_RETENTION_DAYS)
    reports, _ = PostReport.objects.filter(
        handled_at__isnull=False, handled_at__lt=removed_cutoff
    ).delete()
    # The log's own manager refuses delete() (AppendOnlyQuerySet): nobody rewrites the past. Its
    # retention is the one deliberate exception, through the plain base manager.
    log, _ = ModerationLog._base_manager.filter(created_at__lt=audit_cutoff).delete()
    warnings, _ = MemberWarning.objects.filter(created_at__lt=audit_cutoff).delete()
    items, _ = QueueItem.objects.filter(looked_at__lt=audit_cutoff).delete()
    return {"reports": reports, "log": log, "warnings": warnings, "items": items}


def run(now=None) -> str:
    now = now or timezone.now()
    erased = erase_removed(now)
    gone = purge(now)
    return (
        f"forum: {erased} removed post text(s) erased; {gone['reports']} handled report(s), "
        f"{gone['log']} log row(s), {gone['warnings']} warning(s) and {gone['items']} queue "
        "item(s) deleted"
    )
