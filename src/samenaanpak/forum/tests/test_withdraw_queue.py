"""A post its author withdraws leaves the queue, unless urgent."""

import pytest

from .. import moderation, posting, queue
from ..models import QueueItem
from ..queue import open_items
from ..status import PostStatus, QueueKind
from .factories import MemberFactory, place, public_thread

pytestmark = pytest.mark.django_db
CRISIS_TEXT = "Ik denk aan zelfmoord."


# --- a withdrawn post leaves the queue ----------------------------------------------------------------


def test_a_withdrawn_post_leaves_the_queue_unless_urgent(forum):
    member = MemberFactory()
    thread = public_thread(category=forum)
    waiting = place(thread, member, "wacht", status=PostStatus.WAITING)
    queue.enqueue(waiting, QueueKind.HELD)
    crisis = place(thread, member, CRISIS_TEXT, status=PostStatus.WAITING)
    queue.enqueue(crisis, QueueKind.CRISIS, urgent=True)
    posting.withdraw(member, waiting)
    posting.withdraw(member, crisis)
    assert not QueueItem.objects.filter(post=waiting).exists()  # gone, not "looked at"
    assert open_items().get(post=crisis).urgent  # someone may still need a moderator
    assert moderation.figures()["all"]["count"] == 0
