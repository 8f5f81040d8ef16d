"""Minimal makers for the moderation tests: members, threads and posts in a given status, the
back-office roles and staff users. Posts get their status through services.step, as the public
side gives it; queue items and reports are written as the public side writes them (queue.enqueue,
PostReport rows). (The public side's own factories are in factories.py.)"""

import itertools

from django.contrib.auth.models import Group
from django.utils import timezone

from samenaanpak.accounts.tests.factories import public_account
from samenaanpak.core.roles import sync_roles
from samenaanpak.forum import queue, services
from samenaanpak.forum.models import Category, Member, Post, PostReport, Thread
from samenaanpak.forum.status import PostStatus, QueueKind
from samenaanpak.tests.factories import UserFactory

_numbers = itertools.count(1)


def roles():
    """The groups of core/roles.py, as `make db` creates them."""
    if not Group.objects.filter(name="Moderator").exists():
        sync_roles()


def staff_user(name, group):
    roles()
    user = UserFactory(username=name, email=f"{name}@gemeente.example")
    user.groups.add(Group.objects.get(name=group))
    return user


def mod_member(pseudonym=None, *, user=None, **fields) -> Member:
    number = next(_numbers)
    pseudonym = pseudonym or f"Uil{number}"
    user = user or public_account(f"Jongere {number}", email=f"jongere{number}@example.org")
    fields.setdefault("stated_age", 16)
    return Member.objects.create(
        user=user, pseudonym=pseudonym, rules_accepted_at=timezone.now(), **fields
    )


def mod_category(slug="praten") -> Category:
    return Category.objects.get_or_create(slug=slug, defaults={"name": slug.title()})[0]


def mod_thread(author=None, title="Waar praat je over?") -> Thread:
    return Thread.objects.create(category=mod_category(), title=title, author=author)


def mod_post(
    author=None,
    *,
    status=PostStatus.VISIBLE,
    text="Een bericht in de vrijplaats.",
    thread=None,
    kind=None,
    urgent=None,
    created_at=None,
) -> Post:
    """A post with its status history (None → WAITING or VISIBLE → HIDDEN ...), and with `kind`
    an open queue item, as the public side leaves it."""
    author = author if author is not None else mod_member()
    opening = thread is None
    thread = thread or mod_thread(author)
    post = Post.objects.create(
        thread=thread,
        author=author,
        is_opening=opening,
        text=text,
        created_at=created_at or timezone.now(),
    )
    first = PostStatus.WAITING if status == PostStatus.WAITING else PostStatus.VISIBLE
    services.step(post, first)
    if status not in (PostStatus.WAITING, PostStatus.VISIBLE):
        services.step(post, status, reason="pesten" if status == PostStatus.HIDDEN else "")
    if kind is not None:
        queue.enqueue(post, kind, urgent=urgent, now=created_at)
    return post


def report(post, reporter=None, reason="pesten", note="", counts=True) -> PostReport:
    return PostReport.objects.create(
        post=post, reporter=reporter or mod_member(), reason=reason, note=note, counts=counts
    )


HELD, CRISIS, REPORTED, HIDDEN, REVIEW = (
    QueueKind.HELD,
    QueueKind.CRISIS,
    QueueKind.REPORTED,
    QueueKind.HIDDEN,
    QueueKind.REVIEW,
)
