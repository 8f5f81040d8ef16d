"""What residents do with ideas, in one place for the public views and the back office:
submit an idea, support it (and withdraw), comment, report a comment (and the hiding rule).

Each function does its work in one transaction. Refusals raise `Refused` with a Dutch message;
the views show it, nothing is stored. Moderation (publish, reject, restore, remove) lives in
`moderation.py`, the official answer in `answers.py` (the back office's part)."""

from collections import Counter

from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from samenaanpak.core.history import record_status
from samenaanpak.notifications import api as notifications
from samenaanpak.notifications.models import Follow

from .models import Comment, CommentReport, Idea, Support
from .status import PUBLIC_IDEA_STATUSES, CommentStatus, IdeaStatus, ReportReason

HIDE_AFTER_REPORTS = 3  # reports that count (established accounts) before a comment is hidden


class Refused(Exception):
    """An action that is not allowed; `message` is shown to the person (Dutch)."""

    def __init__(self, message, code=""):
        super().__init__(message)
        self.message, self.code = message, code


def is_moderator(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("participation.moderate_idea"))


def is_established(user) -> bool:
    profile = getattr(user, "profile", None)
    return profile is not None and profile.is_established()


def can_see(idea, user) -> bool:
    """Public ideas for everyone; a waiting or refused idea for its author, moderators and the
    members of the owning think tank (or whoever answers for all think tanks)."""
    if idea.status in PUBLIC_IDEA_STATUSES:
        return True
    if user is None or not user.is_authenticated:
        return False
    if idea.author_id == user.pk or is_moderator(user):
        return True
    from samenaanpak.plan.permissions import THINK_TANKS

    return user.has_perm("participation.answer_all_ideas") or idea.think_tank_id in (
        THINK_TANKS.ids(user)
    )


# --- ideas ---------------------------------------------------------------------------------------


def submit_idea(*, author, think_tank, title, text, goal=None) -> Idea:
    """Store a new idea. A new account's first idea waits for a moderator; an established
    account's (or a later one) is received at once and gets its topic, which the author follows."""
    with transaction.atomic():
        # "First": nothing of this account was ever placed (a refused idea does not count).
        placed = Idea.objects.filter(author=author, published_at__isnull=False).exists()
        waits = not placed and not is_established(author)
        idea = Idea.objects.create(
            author=author, think_tank=think_tank, goal=goal, title=title, text=text
        )
        record_status(idea, IdeaStatus.WAITING if waits else IdeaStatus.RECEIVED, author=author)
        if not waits:
            open_topic(idea)
        return idea


def open_topic(idea) -> None:
    """Once an idea is public: its topic, followed by its author (moderation.publish_idea calls
    this too)."""
    from .urls import idea_path

    topic = notifications.ensure_topic(idea, idea.title, idea_path(idea))
    if idea.author_id is not None:
        notifications.follow(topic, idea.author, source=Follow.Source.OWN)


# --- supports ------------------------------------------------------------------------------------


def _check_public(idea):
    if idea.status not in PUBLIC_IDEA_STATUSES:
        raise Refused(_("Dit idee is nog niet geplaatst."), code="not_public")


def support(idea, user) -> bool:
    """Support an idea once; False when this account supported it already. Not your own idea:
    an author's support would say nothing the idea does not say already."""
    _check_public(idea)
    if idea.author_id == user.pk:
        raise Refused(_("Dit is uw eigen idee; u kunt het niet zelf steunen."), code="own_idea")
    with transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint: the unique constraint catches the race
                Support.objects.create(idea=idea, user=user)
        except IntegrityError:
            return False
        Idea.objects.filter(pk=idea.pk).update(support_count=F("support_count") + 1)
    return True


def withdraw_support(idea, user) -> bool:
    with transaction.atomic():
        deleted, _rows = Support.objects.filter(idea=idea, user=user).delete()
        if deleted:
            Idea.objects.filter(pk=idea.pk, support_count__gt=0).update(
                support_count=F("support_count") - 1
            )
    return bool(deleted)


# --- comments ------------------------------------------------------------------------------------


def add_comment(idea, author, text, parent=None) -> Comment:
    """A comment, or a reply: a reply to a reply attaches to the top-level comment (one level)."""
    _check_public(idea)
    if parent is not None:
        if parent.idea_id != idea.pk:
            raise Refused(_("Die reactie hoort bij een ander idee."), code="other_idea")
        if parent.parent_id is not None:
            parent = parent.parent
    with transaction.atomic():
        comment = Comment.objects.create(idea=idea, author=author, text=text, parent=parent)
        record_status(comment, CommentStatus.VISIBLE, author=author)
        recount_comments(idea.pk)
    return comment


def recount_comments(idea_id) -> None:
    """The idea's shown number of reactions: its visible comments, counted again in the same
    transaction as every status step of a comment (added, hidden, restored, removed)."""
    visible = (
        Comment.objects.filter(idea=OuterRef("pk"), status=CommentStatus.VISIBLE)
        .order_by()
        .values("idea")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Idea.objects.filter(pk=idea_id).update(comment_count=Coalesce(Subquery(visible), 0))


def report_comment(comment, reporter, reason, note="") -> CommentReport:
    """Report a comment (once per account, not your own). The rule: the comment is hidden
    pending review after HIDE_AFTER_REPORTS reports that count (from established accounts) or
    one by a moderator. A new account's report is stored (moderators see it) but does not count,
    so reports cannot become a downvote for whoever makes a few accounts."""
    if reason not in ReportReason.values:
        raise Refused(_("Kies een reden."), code="reason")
    if comment.author_id is not None and comment.author_id == reporter.pk:
        raise Refused(_("Dit is uw eigen reactie; die kunt u niet melden."), code="own_comment")
    moderator = is_moderator(reporter)
    counts = moderator or is_established(reporter)
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        try:
            with transaction.atomic():
                report = CommentReport.objects.create(
                    comment=locked, reporter=reporter, reason=reason, note=note, counts=counts
                )
        except IntegrityError:
            raise Refused(
                _("U heeft deze reactie al gemeld. Een moderator bekijkt hem."), code="twice"
            ) from None
        if locked.status == CommentStatus.VISIBLE:
            counting = list(
                CommentReport.objects.filter(
                    comment=locked, counts=True, handled_at__isnull=True
                ).values_list("reason", flat=True)
            )
            if moderator or len(counting) >= HIDE_AFTER_REPORTS:
                hide_reason = reason if moderator else Counter(counting).most_common(1)[0][0]
                hide_comment(locked, hide_reason, author=reporter if moderator else None)
                comment.status = locked.status
    return report


def hide_comment(comment, reason, author=None):
    """Hide pending review and tell the comment's author, with the standard reason."""
    record_status(comment, CommentStatus.HIDDEN, reason=reason, author=author)
    recount_comments(comment.idea_id)
    if comment.author is not None:
        from .urls import idea_url

        notifications.send_service_mail(
            comment.author,
            _("Uw reactie wacht op beoordeling"),
            render_to_string(
                "participation/email/comment_hidden.txt",
                {
                    "comment": comment,
                    "reason": ReportReason(reason).label,
                    "url": idea_url(comment.idea),
                },
            ),
            purpose="reactie-verborgen",
        )
