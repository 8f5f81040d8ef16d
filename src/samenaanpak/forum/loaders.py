"""Loader of the content kind `forum`: the vrijplaats's categories, extra watched words, the
staffed periods and example topics (is_example), each loaded once (context.once).

The ForumPage itself is an ordinary page of the page tree (pages.yaml): the pages loader adds a
page that is missing on an existing site. Example posts need authors with a pseudonym: each is a
Member on an inactive user without password or email (`voorbeeld-<pseudonym>`), which cannot
sign in. Example posts are placed through services.step like every post."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from samenaanpak.core.content import loader

from . import services
from .models import Category, Member, Post, StaffedPeriod, Thread, WatchedWord
from .status import AuthorRole, PostStatus


@loader("forum")
def load_forum(spec, context):
    spec = spec or {}
    for item in spec.get("categories") or []:
        context.once(
            "forum-category",
            item["slug"],
            Category,
            find=lambda item=item: Category.objects.filter(slug=item["slug"]).first(),
            create=lambda item=item: Category.objects.create(
                name=item["name"],
                slug=item["slug"],
                description=" ".join((item.get("description") or "").split()),
                asks_professionals=item.get("asks_professionals", False),
                sort_order=len(Category.objects.all()),
            ),
        )
    for kind, phrases in (spec.get("watched_words") or {}).items():
        kind = {"block": WatchedWord.Kind.BLOCK, "hold": WatchedWord.Kind.HOLD}.get(
            kind, WatchedWord.Kind.CRISIS
        )
        for phrase in phrases:
            context.once(
                "forum-word",
                f"{kind}:{phrase}",
                WatchedWord,
                find=lambda kind=kind, phrase=phrase: WatchedWord.objects.filter(
                    kind=kind, phrase=phrase
                ).first(),
                create=lambda kind=kind, phrase=phrase: WatchedWord.objects.create(
                    kind=kind, phrase=phrase
                ),
            )
    for item in spec.get("staffed_periods") or []:
        for day in item["days"]:
            starts = datetime.time.fromisoformat(item["starts"])
            ends = datetime.time.fromisoformat(item["ends"])
            context.once(
                "forum-period",
                f"{day}:{item['starts']}-{item['ends']}",
                StaffedPeriod,
                find=lambda day=day, starts=starts, ends=ends: StaffedPeriod.objects.filter(
                    weekday=day, starts=starts, ends=ends
                ).first(),
                create=lambda day=day, starts=starts, ends=ends: StaffedPeriod.objects.create(
                    weekday=day, starts=starts, ends=ends
                ),
            )
    for number, item in enumerate(spec.get("examples") or []):
        context.once(
            "forum-example",
            item["title"],
            Thread,
            find=lambda item=item: Thread.objects.filter(title=item["title"]).first(),
            create=lambda item=item, number=number: _example(item, number),
        )


def example_member(pseudonym) -> Member:
    """A member for example content: an inactive user that cannot sign in (no password, no email)."""
    user, created = get_user_model().objects.get_or_create(
        username=f"voorbeeld-{pseudonym.lower()}"[:150], defaults={"is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    member = Member.objects.filter(user=user).first()
    if member is None:
        member = Member.objects.create(
            user=user, pseudonym=pseudonym, rules_accepted_at=timezone.now()
        )
    return member


@transaction.atomic
def _example(item, number):
    category = Category.objects.filter(slug=item["category"]).first()
    if category is None:
        return None
    start = timezone.now() - datetime.timedelta(days=3 + number, hours=2)
    thread = Thread.objects.create(
        category=category,
        title=item["title"],
        author=example_member(item["author"]),
        is_example=True,
        created_at=start,
        last_post_at=start,
        awaits_professional=category.asks_professionals,
    )
    posts = [{"author": item["author"], "text": item["text"]}, *(item.get("replies") or [])]
    for index, entry in enumerate(posts):
        post = Post.objects.create(
            thread=thread,
            author=example_member(entry["author"]),
            author_role=entry.get("role", AuthorRole.MEMBER),
            is_opening=index == 0,
            text=_paragraphs(entry["text"]),
            created_at=start + datetime.timedelta(hours=index * 3),
        )
        services.step(post, PostStatus.VISIBLE)
    return thread


def _paragraphs(value) -> str:
    parts = (" ".join(part.split()) for part in (value or "").split("\n\n"))
    return "\n\n".join(part for part in parts if part)
