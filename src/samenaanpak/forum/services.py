"""What every status step of a post brings along, in one place for the public side (posting.py)
and the back office (moderation.py): the step itself (`step`), the thread's stored figures
(`recount_thread`), and telling the thread's followers when a post first becomes visible.

Refusals anywhere in the vrijplaats raise `Refused` with a Dutch message; the views show it and
keep what was typed."""

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from samenaanpak.core.history import record_status
from samenaanpak.notifications import api as notifications

from .models import Post, Thread
from .status import AuthorRole, PostStatus
from .urls import post_path, thread_path


class Refused(Exception):
    """An action that is not allowed; `message` is shown to the person (Dutch)."""

    def __init__(self, message, code=""):
        super().__init__(message)
        self.message, self.code = message, code


def recount_thread(thread_id) -> None:
    """The thread's listed state from its posts: public when its opening post is visible, the
    number of visible replies, the time of the last visible post, and (in a category for
    hulpverleners) whether it still waits for a hulpverlener's answer. One UPDATE after every
    step, in the step's transaction."""
    visible = Post.objects.filter(thread_id=thread_id, status=PostStatus.VISIBLE)
    opening = visible.filter(is_opening=True).values("created_at").first()
    figures = visible.filter(is_opening=False).aggregate(last=Max("created_at"))
    replies = visible.filter(is_opening=False).count()
    answered = visible.filter(author_role=AuthorRole.PROFESSIONAL, is_opening=False).exists()
    thread = Thread.objects.select_related("category").get(pk=thread_id)
    Thread.objects.filter(pk=thread_id).update(
        is_public=opening is not None,
        reply_count=replies,
        last_post_at=figures["last"] or (opening or {}).get("created_at") or thread.created_at,
        awaits_professional=thread.category.asks_professionals and not answered,
    )


def step(post: Post, status: str, *, by=None, reason: str = "", note=None):
    """One status step of `post` with what follows from it (one transaction): the history row
    (record_status locks the row and checks the table), the thread's figures, and when the post
    is visible for the first time, its thread's followers hear of it."""
    with transaction.atomic():
        first_time = (
            status == PostStatus.VISIBLE
            and not post.events.filter(status=PostStatus.VISIBLE).exists()
        )
        event = record_status(post, status, author=by, note=note, reason=reason)
        recount_thread(post.thread_id)
        if first_time:
            announce(post)
        return event


def ensure_topic(thread: Thread):
    return notifications.ensure_topic(thread, thread.title, thread_path(thread))


def announce(post: Post) -> None:
    """A reply became visible: the thread's followers hear of it (their digest settings apply).
    The opening post has no followers yet but its author, who follows from the start."""
    thread = post.thread
    if post.is_opening or thread.is_example:  # example topics (content) tell nobody
        return
    topic = ensure_topic(thread)
    notifications.post(
        topic,
        _("Nieuwe reactie in “%(title)s”") % {"title": thread.title},
        path=post_path(post),
        event=f"forum-post-{post.pk}",
    )


def with_thanked(posts, member):
    """Mark which of `posts` `member` thanked (one query)."""
    from .models import Thanks

    if member is None:
        return posts
    thanked = set(
        Thanks.objects.filter(member=member, post__in=[p.pk for p in posts]).values_list(
            "post_id", flat=True
        )
    )
    for p in posts:
        p.thanked = p.pk in thanked
    return posts
