"""The moderators' decisions (the back office's side of Denk mee).

Every decision is one transaction: the status step through `record_status` (which locks the row,
so two moderators deciding at once cannot both pass: the second gets a TransitionError), what
follows from it, and the author's mail in the outbox (`send_service_mail`, so it reaches them
whatever their digest setting). The public side reports and hides comments
(`participation.services.report_comment`); here a moderator decides what happens next.

`notify_moderators()` mails the group Moderator, at most once per MODERATOR_MAIL_INTERVAL_HOURS,
when something waits: a link to the queue, nothing of the items themselves."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from samenaanpak.core import throttle
from samenaanpak.core.history import TransitionError, record_status
from samenaanpak.core.mail import queue_email
from samenaanpak.notifications import api as notifications

from . import services
from .models import Comment, CommentReport, Idea
from .status import CommentStatus, IdeaStatus, ReportReason
from .urls import absolute, idea_path

MODERATOR_GROUP = "Moderator"
MAIL_CLAIM_KEY = "participation:moderators-mailed"
RECENT_DECISIONS = 20  # how many of the last decisions the queue offers to undo


def waiting_ideas():
    return Idea.objects.filter(status=IdeaStatus.WAITING)


def hidden_comments():
    return Comment.objects.filter(status=CommentStatus.HIDDEN)


def reported_comments():
    """Visible comments with reports nobody handled yet: too few to hide them (or from new
    accounts, which never hide), but a moderator should see them. `first_report`: the oldest."""
    return (
        Comment.objects.filter(status=CommentStatus.VISIBLE)
        .annotate(
            first_report=Min("reports__created_at", filter=Q(reports__handled_at__isnull=True))
        )
        .filter(first_report__isnull=False)
    )


def recent_decisions(limit=RECENT_DECISIONS):
    """The last decisions a moderator may undo, newest first: ideas that were not placed and
    comments that were removed (still so now). Two queries, whatever the number."""
    ideas = list(
        Idea.objects.filter(status=IdeaStatus.REJECTED)
        .select_related("think_tank", "author__profile", "state__author")
        .order_by("-state__created_at", "-pk")[:limit]
    )
    comments = list(
        Comment.objects.filter(status=CommentStatus.REMOVED)
        .select_related("idea", "author__profile", "state__author")
        .order_by("-state__created_at", "-pk")[:limit]
    )
    decided = ideas + comments
    decided.sort(key=lambda record: record.state.created_at, reverse=True)
    return decided[:limit]


def _expect(record, status) -> None:
    """Inside the decision's transaction: lock the row and refuse when it is no longer in the
    status the moderator saw (another moderator decided meanwhile). None: no expectation."""
    if status is None:
        return
    locked = type(record)._default_manager.select_for_update().get(pk=record.pk)
    if locked.status != status:
        raise TransitionError(_("Hierover is intussen al besloten."), code="already_decided")


def _approve_author(user) -> None:
    """The author's first approved contribution: from now on their ideas appear at once."""
    profile = getattr(user, "profile", None) if user is not None else None
    if profile is not None and profile.approved_at is None:
        type(profile).objects.filter(pk=profile.pk, approved_at__isnull=True).update(
            approved_at=timezone.now()
        )


def publish_idea(idea: Idea, moderator, *, expected=None) -> None:
    """Place a waiting idea, or (expected=REJECTED) one that was wrongly refused."""
    corrected = expected == IdeaStatus.REJECTED
    with transaction.atomic():
        _expect(idea, expected)
        record_status(idea, IdeaStatus.RECEIVED, author=moderator)
        path = idea_path(idea)
        topic = notifications.ensure_topic(idea, idea.title, path)
        if idea.author is not None:
            _approve_author(idea.author)
            notifications.follow(topic, idea.author, source=notifications.Follow.Source.OWN)
            body = _(
                "Uw idee “%(title)s” is bekeken en staat nu op de site:\n%(url)s\n\n"
                "U volgt uw idee: u hoort het als de denktank antwoordt. Uw volgende ideeën "
                "komen meteen op de site."
            ) % {"title": idea.title, "url": absolute(path)}
            if corrected:
                body = (
                    _(
                        "Eerder schreven wij u dat uw idee niet geplaatst werd. Een moderator "
                        "heeft dat besluit herzien."
                    )
                    + "\n\n"
                    + body
                )
            notifications.send_service_mail(idea.author, _("Uw idee staat op de site"), body)


def reject_idea(idea: Idea, moderator, reason: str, *, expected=None) -> None:
    """Not placed, with a reason that the author is told (required: the workflow's rule)."""
    with transaction.atomic():
        _expect(idea, expected)
        record_status(idea, IdeaStatus.REJECTED, author=moderator, note=reason.strip())
        notifications.send_service_mail(
            idea.author,
            _("Uw idee is niet geplaatst"),
            _(
                "Uw idee “%(title)s” is niet op de site geplaatst. De reden:\n\n%(reason)s\n\n"
                "U kunt een nieuw idee insturen dat hier rekening mee houdt."
            )
            % {"title": idea.title, "reason": reason.strip()},
        )


def requeue_idea(idea: Idea, moderator) -> None:
    """Undo a refusal: the idea waits in the queue again; its author hears that the refusal no
    longer stands (they were mailed the reason)."""
    with transaction.atomic():
        _expect(idea, IdeaStatus.REJECTED)
        record_status(idea, IdeaStatus.WAITING, author=moderator)
        notifications.send_service_mail(
            idea.author,
            _("Uw idee wordt opnieuw bekeken"),
            _(
                "Eerder schreven wij u dat uw idee “%(title)s” niet geplaatst werd. Een moderator "
                "bekijkt het opnieuw; u krijgt bericht zodra daarover besloten is."
            )
            % {"title": idea.title},
        )


def _handle_reports(comment: Comment) -> None:
    CommentReport.objects.filter(comment=comment, handled_at__isnull=True).update(
        handled_at=timezone.now()
    )


def restore_comment(comment: Comment, moderator, *, expected=None) -> None:
    """The reports did not hold: the comment is shown again and its reports are handled."""
    with transaction.atomic():
        _expect(comment, expected)
        record_status(comment, CommentStatus.VISIBLE, author=moderator)
        services.recount_comments(comment.idea_id)
        _handle_reports(comment)


def restore_removed_comment(comment: Comment, moderator) -> None:
    """Undo a removal: the comment is shown again, and its author, who was told the removal and
    its reason, hears that it is back."""
    with transaction.atomic():
        _expect(comment, CommentStatus.REMOVED)
        record_status(comment, CommentStatus.VISIBLE, author=moderator)
        services.recount_comments(comment.idea_id)
        _handle_reports(comment)
        notifications.send_service_mail(
            comment.author,
            _("Uw reactie staat weer op de site"),
            _(
                "Eerder schreven wij u dat uw reactie bij het idee “%(title)s” verwijderd was. "
                "Een moderator heeft dat besluit herzien: uw reactie staat weer op de site.\n\n"
                "%(url)s"
            )
            % {"title": comment.idea.title, "url": absolute(idea_path(comment.idea))},
        )


def dismiss_reports(comment: Comment, moderator) -> None:
    """The reports of a visible comment did not hold: it stays, its reports are handled (later
    reports count afresh). No status step, so no history row; nobody is mailed."""
    with transaction.atomic():
        _expect(comment, CommentStatus.VISIBLE)
        _handle_reports(comment)


def remove_comment(comment: Comment, moderator, reason: str, *, expected=None) -> None:
    """Removed for good, with a standard reason that the author is told."""
    if reason not in ReportReason.values:
        raise TransitionError(_("Kies een reden."), code="reason_required")
    with transaction.atomic():
        _expect(comment, expected)
        record_status(comment, CommentStatus.REMOVED, author=moderator, reason=reason)
        services.recount_comments(comment.idea_id)
        _handle_reports(comment)
        path = idea_path(comment.idea)
        notifications.send_service_mail(
            comment.author,
            _("Uw reactie is verwijderd"),
            _(
                "Uw reactie bij het idee “%(title)s” is door een moderator verwijderd.\n"
                "De reden: %(reason)s.\n\n%(url)s"
            )
            % {
                "title": comment.idea.title,
                "reason": ReportReason(reason).label,
                "url": absolute(path),
            },
        )


def moderators():
    return (
        get_user_model()
        .objects.filter(groups__name=MODERATOR_GROUP, is_active=True)
        .exclude(email="")
        .distinct()
    )


def notify_moderators(now=None) -> int:
    """When ideas or comments wait: one mail to every moderator, at most once per interval
    (claimed in the throttle store, so two schedulers send it once). Returns the mails queued."""
    if not (waiting_ideas().exists() or hidden_comments().exists() or reported_comments().exists()):
        return 0
    addresses = list(moderators().values_list("email", flat=True))
    if not addresses:
        return 0  # no claim: the first moderator to be added hears it the next minute
    interval = settings.MODERATOR_MAIL_INTERVAL_HOURS * 3600
    store = throttle.store()
    if not store.add(MAIL_CLAIM_KEY, 1, timeout=interval):
        return 0
    url = settings.SITE_URL + reverse("participation_admin:queue")
    try:
        with transaction.atomic():
            for address in addresses:
                queue_email(
                    to=address,
                    subject=_("Denk mee: er wacht iets op moderatie"),
                    body=_(
                        "Er wachten ideeën of reacties op uw beoordeling. Bekijk ze in het "
                        "beheer:\n%(url)s\n\nU krijgt dit bericht hooguit één keer per %(hours)s uur."
                    )
                    % {"url": url, "hours": settings.MODERATOR_MAIL_INTERVAL_HOURS},
                    purpose="moderatie",
                )
    except Exception:
        store.delete(MAIL_CLAIM_KEY)  # nothing was queued: the next minute tries again
        raise
    return len(addresses)
