"""Two moderators deciding the same queue item at the same instant (PostgreSQL: on SQLite the
whole database is locked, so nothing runs at once there): one decision is taken, the other
moderator is told someone else decided; never two steps, two mails or a 500."""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from samenaanpak.core.models import OutgoingEmail
from samenaanpak.forum.models import ModerationLog, PostEvent, QueueItem
from samenaanpak.forum.status import PostStatus
from samenaanpak.tests.concurrency import at_once

from .factories_mod import HELD, mod_post, staff_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions need PostgreSQL")


def test_approve_and_remove_at_once_take_one_decision(postgres, verified_login):
    clients = [verified_login(Client(), staff_user(f"mod{i}", "Moderator")) for i in range(2)]
    post = mod_post(status=PostStatus.WAITING, kind=HELD)
    item = QueueItem.objects.get(post=post)
    url = reverse("forum_admin:decide", args=[item.pk])
    decisions = [
        {f"item-{item.pk}-action": "goedkeuren"},
        {f"item-{item.pk}-action": "verwijderen", f"item-{item.pk}-reason": "spam"},
    ]

    def decide(index):
        def run():
            response = clients[index].post(url, decisions[index])
            page = clients[index].get(response["Location"]).content.decode()
            return response.status_code, "Iemand anders heeft hierover" in page

        return run

    results = at_once(decide(0), decide(1))
    assert [status for status, _ in results] == [302, 302]
    assert sorted(told for _, told in results) == [False, True]
    post.refresh_from_db()
    assert PostEvent.objects.filter(post=post).count() == 2  # WAITING and one decision
    assert ModerationLog.objects.count() == 1
    assert OutgoingEmail.objects.count() == (1 if post.status == PostStatus.REMOVED else 0)


def test_the_second_and_third_warning_at_once_still_block(postgres, settings):
    """Without the member's row locked, both would count two warnings and neither would block."""
    from samenaanpak.forum import moderation
    from samenaanpak.forum.models import Member

    from .factories_mod import mod_member

    settings.FORUM_WARNINGS_TO_BLOCK = 3
    mods = [staff_user(f"mod{i}", "Moderator") for i in range(2)]
    member = mod_member()
    moderation.warn(member, mods[0], "spam")

    def warn(index):
        return lambda: moderation.warn(Member.objects.get(pk=member.pk), mods[index], "pesten")

    results = at_once(warn(0), warn(1))
    assert sum(1 for until in results if until) == 1
    assert Member.objects.get(pk=member.pk).is_blocked()
    assert ModerationLog.objects.filter(action="automatisch_geblokkeerd").count() == 1
