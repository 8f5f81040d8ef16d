"""Report status: values, allowed transitions, and the one function that appends history."""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _


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


TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset({Status.IN_PROGRESS, Status.CLOSED}),
    Status.IN_PROGRESS: frozenset({Status.FORWARDED, Status.CLOSED}),
    Status.FORWARDED: frozenset({Status.IN_PROGRESS, Status.CLOSED}),
    Status.CLOSED: frozenset({Status.IN_PROGRESS}),  # reopened, e.g. after new information
}

OPEN = frozenset({Status.NEW, Status.IN_PROGRESS})  # the deadline applies to these


class TransitionError(ValidationError):
    pass


def check_transition(current: str, new: str) -> None:
    if new not in TRANSITIONS.get(current, ()):
        raise TransitionError(
            _("Een melding met status “%(from)s” kan niet naar “%(to)s”.")
            % {"from": Status(current).label, "to": Status(new).label},
            code="transition_not_allowed",
        )


def record_status(report, new_status, *, author, forwarded_to=""):
    """Append a status row after checking the transition; keeps Report.status and the retention
    date in step (both are derived data, written only here)."""
    from .models import Report, ReportEvent

    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        check_transition(locked.status, new_status)
        if new_status == Status.FORWARDED and not forwarded_to:
            raise TransitionError(
                _("Kies naar wie de melding is doorgezet."), code="forwarded_to_required"
            )
        event = ReportEvent.objects.create(
            report=locked,
            status=new_status,
            author=author,
            forwarded_to=forwarded_to if new_status == Status.FORWARDED else "",
        )
        locked.status = new_status
        locked.set_retention()
        locked.save(update_fields=["status", "delete_after"])
        report.status, report.delete_after = locked.status, locked.delete_after
        return event
