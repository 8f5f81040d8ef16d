"""Two reports at the same instant that each reach the threshold hide the post once (PostgreSQL:
the run on SQLite locks whole tables, so nothing runs at once there)."""

import threading

import pytest
from django.db import connection

from .. import posting
from ..models import ModerationLog, PostEvent
from ..status import ModerationAction, PostStatus, Reason
from .factories import MemberFactory, moderator, place, public_thread

pytestmark = pytest.mark.django_db(transaction=True)


def _at_once(*functions):
    barrier = threading.Barrier(len(functions))
    errors = []

    def run(function):
        try:
            barrier.wait(10)
            function()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(f,)) for f in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors


def test_two_reports_at_once_hide_once():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions need PostgreSQL")
    thread = public_thread()
    post = place(thread, MemberFactory(trusted=True), "Gemeen")
    first, second = moderator(), moderator()
    _at_once(
        lambda: posting.report(first, post, Reason.BULLYING),
        lambda: posting.report(second, post, Reason.BULLYING),
    )
    post.refresh_from_db()
    assert post.status == PostStatus.HIDDEN
    assert PostEvent.objects.filter(post=post, status=PostStatus.HIDDEN).count() == 1
    assert ModerationLog.objects.filter(post=post, action=ModerationAction.AUTO_HIDE).count() == 1
