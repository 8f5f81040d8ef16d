"""Report status: the values, the table of allowed steps and the meldpunt's own rule. The history
itself is written by samenaanpak.core.history.record_status."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from samenaanpak.core.history import TransitionError, Workflow


class Status(models.TextChoices):
    NEW = "nieuw", _("Nieuw")
    IN_PROGRESS = "in_behandeling", _("In behandeling")
    FORWARDED = "doorgezet", _("Doorgezet")
    CLOSED = "afgehandeld", _("Afgehandeld")


class ForwardedTo(models.TextChoices):
    POLICE = "politie", _("Politie")
    YOUTH_WORK = "jongerenwerk", _("Jongerenwerk")
    AREA_TEAM = "gebiedsteam", _("Gebiedsteam")
    OTHER = "anders", _("Anders")


TRANSITIONS: dict[str | None, frozenset[str]] = {
    None: frozenset({Status.NEW}),  # the first row, written with the report
    Status.NEW: frozenset({Status.IN_PROGRESS, Status.CLOSED}),
    Status.IN_PROGRESS: frozenset({Status.FORWARDED, Status.CLOSED}),
    Status.FORWARDED: frozenset({Status.IN_PROGRESS, Status.CLOSED}),
    Status.CLOSED: frozenset({Status.IN_PROGRESS}),  # reopened, e.g. after new information
}

OPEN = frozenset({Status.NEW, Status.IN_PROGRESS})  # the deadline applies to these


def forwarded_to_someone(current, new, fields):
    if new == Status.FORWARDED and not fields.get("forwarded_to"):
        raise TransitionError(
            _("Kies naar wie de melding is doorgezet."), code="forwarded_to_required"
        )


WORKFLOW = Workflow(
    Status,
    TRANSITIONS,
    not_allowed=_("Een melding met status “%(from)s” kan niet naar “%(to)s”."),
    rules=[forwarded_to_someone],
)
