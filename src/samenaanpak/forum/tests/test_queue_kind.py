"""An open queue item moves up to a more pressing kind: the moderator reads why it is there."""

import pytest

from .. import posting, queue
from ..models import QueueItem
from ..status import PostStatus, QueueKind, Reason
from .factories import MemberFactory, place, public_thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(forum):
    thread = public_thread(category=forum)
    return place(thread, MemberFactory(trusted=True), "Een bericht om te melden.")


def open_item(post):
    return QueueItem.objects.get(post=post, looked_at=None)


def test_a_reported_post_that_reports_hid_is_in_the_queue_as_hidden(post, settings):
    """Found in the browser: the third report hid the post, the queue still said "Gemeld"."""
    settings.FORUM_HIDE_AFTER_REPORTS = 3
    posting.report(MemberFactory(trusted=True), post, Reason.SPAM)
    assert open_item(post).kind == QueueKind.REPORTED
    posting.report(MemberFactory(trusted=True), post, Reason.SPAM)
    posting.report(MemberFactory(trusted=True), post, Reason.SPAM)
    post.refresh_from_db()
    assert post.status == PostStatus.HIDDEN
    assert open_item(post).kind == QueueKind.HIDDEN


def test_a_less_pressing_kind_keeps_the_item_as_it_was(post):
    queue.enqueue(post, QueueKind.HIDDEN)
    queue.enqueue(post, QueueKind.REPORTED)
    assert open_item(post).kind == QueueKind.HIDDEN
    queue.enqueue(post, QueueKind.CRISIS, urgent=True)
    queue.enqueue(post, QueueKind.REVIEW)
    item = open_item(post)
    assert item.kind == QueueKind.CRISIS and item.urgent
    assert QueueItem.objects.filter(post=post).count() == 1
