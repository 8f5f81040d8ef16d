"""Statuses of ideas and comments: values, tables of allowed steps, own rules.
The history itself is written by samenaanpak.core.history.record_status."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from samenaanpak.core.history import TransitionError, Workflow


class IdeaStatus(models.TextChoices):
    WAITING = "wacht", _("Wacht op moderatie")
    RECEIVED = "ontvangen", _("Ontvangen")
    IN_PROGRESS = "in_behandeling", _("In behandeling")
    ADOPTED = "overgenomen", _("Overgenomen")
    NOT_ADOPTED = "niet_overgenomen", _("Niet overgenomen")
    ALREADY_PLANNED = "al_gepland", _("Al gepland")
    REJECTED = "afgewezen", _("Niet geplaatst")


# Visible to the public: everything a moderator let through.
PUBLIC_IDEA_STATUSES = frozenset(
    {
        IdeaStatus.RECEIVED,
        IdeaStatus.IN_PROGRESS,
        IdeaStatus.ADOPTED,
        IdeaStatus.NOT_ADOPTED,
        IdeaStatus.ALREADY_PLANNED,
    }
)
# The think tank's official answers.
ANSWER_STATUSES = frozenset(
    {
        IdeaStatus.IN_PROGRESS,
        IdeaStatus.ADOPTED,
        IdeaStatus.NOT_ADOPTED,
        IdeaStatus.ALREADY_PLANNED,
    }
)
_ANSWERS = ANSWER_STATUSES

IDEA_TRANSITIONS: dict[str | None, frozenset[str]] = {
    # A new account's first idea waits for a moderator; an established account's is received.
    None: frozenset({IdeaStatus.WAITING, IdeaStatus.RECEIVED}),
    IdeaStatus.WAITING: frozenset({IdeaStatus.RECEIVED, IdeaStatus.REJECTED}),
    IdeaStatus.RECEIVED: _ANSWERS | {IdeaStatus.REJECTED},
    IdeaStatus.IN_PROGRESS: frozenset(
        {
            IdeaStatus.ADOPTED,
            IdeaStatus.NOT_ADOPTED,
            IdeaStatus.ALREADY_PLANNED,
            IdeaStatus.REJECTED,
        }
    ),
    # Staying is a new answer text or other actions; an answer can be reconsidered.
    IdeaStatus.ADOPTED: frozenset({IdeaStatus.ADOPTED, IdeaStatus.IN_PROGRESS}),
    IdeaStatus.NOT_ADOPTED: frozenset({IdeaStatus.NOT_ADOPTED, IdeaStatus.IN_PROGRESS}),
    IdeaStatus.ALREADY_PLANNED: frozenset({IdeaStatus.ALREADY_PLANNED, IdeaStatus.IN_PROGRESS}),
    # A moderator may undo a refusal: publish the idea after all, or put it back in the queue.
    IdeaStatus.REJECTED: frozenset({IdeaStatus.RECEIVED, IdeaStatus.WAITING}),
}


def reason_required(current, new, fields):
    """ "Niet overgenomen" and "niet geplaatst" need a public reason."""
    if (
        new in (IdeaStatus.NOT_ADOPTED, IdeaStatus.REJECTED)
        and not (fields.get("note") or "").strip()
    ):
        raise TransitionError(
            _("Geef een reden; die wordt bij het idee getoond."), code="reason_required"
        )


IDEA_WORKFLOW = Workflow(
    IdeaStatus,
    IDEA_TRANSITIONS,
    not_allowed=_("Van “%(from)s” kan een idee niet naar “%(to)s”. Toegestaan: %(allowed)s."),
    rules=[reason_required],
)


class CommentStatus(models.TextChoices):
    VISIBLE = "zichtbaar", _("Zichtbaar")
    HIDDEN = "verborgen", _("Verborgen, wacht op beoordeling")
    REMOVED = "verwijderd", _("Verwijderd")


COMMENT_TRANSITIONS: dict[str | None, frozenset[str]] = {
    None: frozenset({CommentStatus.VISIBLE}),
    CommentStatus.VISIBLE: frozenset({CommentStatus.HIDDEN, CommentStatus.REMOVED}),
    CommentStatus.HIDDEN: frozenset({CommentStatus.VISIBLE, CommentStatus.REMOVED}),
    CommentStatus.REMOVED: frozenset({CommentStatus.VISIBLE}),  # a moderator undoes a mistake
}

COMMENT_WORKFLOW = Workflow(
    CommentStatus,
    COMMENT_TRANSITIONS,
    not_allowed=_("Van “%(from)s” kan een reactie niet naar “%(to)s”. Toegestaan: %(allowed)s."),
)


class ReportReason(models.TextChoices):
    """Why someone reports a comment; also the standard reason told to its author."""

    OFFENSIVE = "kwetsend", _("Kwetsend")
    PERSONAL_DATA = "persoonsgegevens", _("Persoonsgegevens")
    SPAM = "spam", _("Spam")
    OTHER = "anders", _("Anders")
