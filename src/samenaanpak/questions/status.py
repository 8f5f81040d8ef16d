"""Question status: the values and the table of allowed steps. The history itself is written by
samenaanpak.core.history.record_status."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from samenaanpak.core.history import Workflow


class Status(models.TextChoices):
    NEW = "nieuw", _("Nieuw")
    IN_PROGRESS = "in_behandeling", _("In behandeling")
    ANSWERED = "beantwoord", _("Beantwoord")
    CLOSED = "gesloten", _("Gesloten")


TRANSITIONS: dict[str | None, frozenset[str]] = {
    None: frozenset({Status.NEW}),  # the first row, written with the question
    Status.NEW: frozenset({Status.IN_PROGRESS, Status.ANSWERED, Status.CLOSED}),
    Status.IN_PROGRESS: frozenset({Status.ANSWERED, Status.CLOSED}),
    Status.ANSWERED: frozenset({Status.IN_PROGRESS, Status.CLOSED}),
    Status.CLOSED: frozenset({Status.IN_PROGRESS}),  # reopened
}

WORKFLOW = Workflow(
    Status,
    TRANSITIONS,
    not_allowed=_("Een vraag met status “%(from)s” kan niet naar “%(to)s”."),
)
