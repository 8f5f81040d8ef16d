"""Action status: the values, the table of allowed steps and plan's own progress rules.
The history itself is written by samenaanpak.core.history.record_status."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from samenaanpak.core.history import TransitionError, Workflow


class Status(models.TextChoices):
    PLANNED = "gepland", _("Gepland")
    IN_PROGRESS = "in_uitvoering", _("In uitvoering")
    DONE = "afgerond", _("Afgerond")
    STOPPED = "gestopt", _("Gestopt")


# from-status -> statuses that may follow. None is the state of an action without history.
# Staying in the same status is a progress update or a dated milestone.
TRANSITIONS: dict[str | None, frozenset[str]] = {
    None: frozenset({Status.PLANNED, Status.IN_PROGRESS}),
    Status.PLANNED: frozenset({Status.PLANNED, Status.IN_PROGRESS, Status.STOPPED}),
    Status.IN_PROGRESS: frozenset({Status.IN_PROGRESS, Status.DONE, Status.STOPPED}),
    Status.DONE: frozenset({Status.DONE, Status.IN_PROGRESS}),  # reopened
    Status.STOPPED: frozenset({Status.STOPPED, Status.PLANNED, Status.IN_PROGRESS}),  # restarted
}


def progress_fits_status(current, new, fields):
    """gepland = 0 %, afgerond = 100 %, and always 0 to 100 %."""
    progress = fields["progress"]
    if not 0 <= progress <= 100:
        raise TransitionError(
            _("De voortgang ligt tussen 0 en 100 procent."), code="progress_range"
        )
    if new == Status.PLANNED and progress != 0:
        raise TransitionError(
            _("Een geplande actie heeft 0 procent voortgang."), code="planned_progress"
        )
    if new == Status.DONE and progress != 100:
        raise TransitionError(
            _("Een afgeronde actie heeft 100 procent voortgang."), code="done_progress"
        )


WORKFLOW = Workflow(
    Status,
    TRANSITIONS,
    not_allowed=_("Van “%(from)s” kan een actie niet naar “%(to)s”. Toegestaan: %(allowed)s."),
    rules=[progress_fits_status],
)
