"""The daily retention of the vrijplaats: the text of removed and withdrawn posts is erased
after FORUM_REMOVED_RETENTION_DAYS (counted from the removal), handled reports go after the
same time, the audit log, warnings and closed queue items after FORUM_AUDIT_RETENTION_DAYS."""

import datetime

import pytest
from django.utils import timezone

from samenaanpak.core import scheduler
from samenaanpak.forum import daily, moderation
from samenaanpak.forum.models import (
    MemberWarning,
    ModerationLog,
    Post,
    PostEvent,
    PostReport,
    QueueItem,
)
from samenaanpak.forum.status import PostStatus

from .factories_mod import REPORTED, mod_member, mod_post, report, staff_user


def backdate_state(post, days):
    """As if the post's last status step was `days` ago (tests only: history is append-only)."""
    PostEvent._base_manager.filter(pk=post.state_id).update(
        created_at=timezone.now() - datetime.timedelta(days=days)
    )


@pytest.mark.django_db
def test_removed_and_withdrawn_text_is_erased_after_the_retention(settings):
    settings.FORUM_REMOVED_RETENTION_DAYS = 90
    mod = staff_user("mod", "Moderator")
    old = mod_post(text="Oud verwijderd")
    moderation.remove(old, mod, "pesten")
    backdate_state(old, 91)
    recent = mod_post(text="Net verwijderd")
    moderation.remove(recent, mod, "pesten")
    backdate_state(recent, 89)
    withdrawn = mod_post(text="Zelf ingetrokken", status=PostStatus.WITHDRAWN)
    backdate_state(withdrawn, 100)
    # An old post removed only lately: the time of removal counts, not of writing.
    lately = mod_post(text="Oud, net weg", created_at=timezone.now() - datetime.timedelta(days=300))
    moderation.remove(lately, mod, "spam")
    visible = mod_post(
        text="Staat er nog", created_at=timezone.now() - datetime.timedelta(days=400)
    )
    line = daily.run()
    assert line.startswith("forum: 2 removed post text(s) erased")
    texts = dict(Post.objects.values_list("pk", "text"))
    assert texts[old.pk] == "" and texts[withdrawn.pk] == ""
    assert texts[recent.pk] == "Net verwijderd" and texts[lately.pk] == "Oud, net weg"
    assert texts[visible.pk] == "Staat er nog"
    assert Post.objects.get(pk=old.pk).erased_at is not None
    assert daily.erase_removed() == 0  # once


@pytest.mark.django_db
def test_old_log_rows_reports_warnings_and_items_are_deleted(settings):
    settings.FORUM_REMOVED_RETENTION_DAYS, settings.FORUM_AUDIT_RETENTION_DAYS = 90, 730
    mod = staff_user("mod", "Moderator")
    now = timezone.now()
    member = mod_member()
    moderation.warn(member, mod, "spam", now=now - datetime.timedelta(days=800))
    moderation.warn(member, mod, "spam", now=now - datetime.timedelta(days=10))
    ModerationLog._base_manager.filter(pk=ModerationLog.objects.order_by("pk").first().pk).update(
        created_at=now - datetime.timedelta(days=731)
    )
    post = mod_post(kind=REPORTED)
    old_report, open_report = report(post), report(post)
    PostReport.objects.filter(pk=old_report.pk).update(handled_at=now - datetime.timedelta(days=91))
    QueueItem.objects.filter(post=post).update(looked_at=now - datetime.timedelta(days=731))
    gone = daily.purge(now)
    assert gone == {"reports": 1, "log": 1, "warnings": 1, "items": 1}
    assert ModerationLog.objects.count() == 1
    assert list(PostReport.objects.values_list("pk", flat=True)) == [open_report.pk]
    assert MemberWarning.objects.count() == 1


@pytest.mark.django_db
def test_the_scheduler_runs_it_daily():
    assert any(line.startswith("forum: ") for line in scheduler.run_daily())
