"""Action status: the values, the table of allowed transitions, and the one function that may
append to an action's history. The current state of an action is its newest history row."""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _


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


class TransitionError(ValidationError):
    pass


def check_transition(current_status: str | None, new_status: str, progress: int) -> None:
    """Raise TransitionError (with a Dutch message) unless the step is allowed."""
    if new_status not in Status.values:
        raise TransitionError(_("Onbekende status."), code="unknown_status")
    if new_status not in TRANSITIONS[current_status]:
        raise TransitionError(
            _("Van “%(from)s” kan een actie niet naar “%(to)s”. Toegestaan: %(allowed)s.")
            % {
                "from": Status(current_status).label if current_status else _("nieuw"),
                "to": Status(new_status).label,
                "allowed": ", ".join(
                    str(Status(s).label) for s in sorted(TRANSITIONS[current_status])
                ),
            },
            code="transition_not_allowed",
        )
    if not 0 <= progress <= 100:
        raise TransitionError(
            _("De voortgang ligt tussen 0 en 100 procent."), code="progress_range"
        )
    if new_status == Status.PLANNED and progress != 0:
        raise TransitionError(
            _("Een geplande actie heeft 0 procent voortgang."), code="planned_progress"
        )
    if new_status == Status.DONE and progress != 100:
        raise TransitionError(
            _("Een afgeronde actie heeft 100 procent voortgang."), code="done_progress"
        )


def record_event(
    action, *, status: str, progress: int, note: str = "", author=None, milestone_date=None
):
    """Append one row to the action's history after checking the transition table.

    The action row is locked for the duration so that two editors cannot both step from the
    same state."""
    from .models import Action, ActionEvent

    with transaction.atomic():
        Action.objects.select_for_update().filter(pk=action.pk).first()
        current = action.events.order_by("-created_at", "-pk").first()
        check_transition(current.status if current else None, status, progress)
        return ActionEvent.objects.create(
            action=action,
            status=status,
            progress=progress,
            note=note,
            author=author,
            milestone_date=milestone_date,
        )
