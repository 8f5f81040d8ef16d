"""Question status: values, the allowed transitions, and the one function that appends history."""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    NEW = "nieuw", _("Nieuw")
    IN_PROGRESS = "in_behandeling", _("In behandeling")
    ANSWERED = "beantwoord", _("Beantwoord")
    CLOSED = "gesloten", _("Gesloten")


TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset({Status.IN_PROGRESS, Status.ANSWERED, Status.CLOSED}),
    Status.IN_PROGRESS: frozenset({Status.ANSWERED, Status.CLOSED}),
    Status.ANSWERED: frozenset({Status.IN_PROGRESS, Status.CLOSED}),
    Status.CLOSED: frozenset({Status.IN_PROGRESS}),  # reopened
}


class TransitionError(ValidationError):
    pass


def check_transition(current: str, new: str) -> None:
    if new not in TRANSITIONS.get(current, ()):
        raise TransitionError(
            _("Een vraag met status “%(from)s” kan niet naar “%(to)s”.")
            % {"from": Status(current).label, "to": Status(new).label},
            code="transition_not_allowed",
        )


def record_status(question, new_status, *, author=None, note=""):
    from .models import Question, QuestionEvent

    with transaction.atomic():
        Question.objects.select_for_update().filter(pk=question.pk).first()
        current = question.events.order_by("-created_at", "-pk").first()
        check_transition(current.status if current else Status.NEW, new_status)
        return QuestionEvent.objects.create(
            question=question, status=new_status, author=author, note=note
        )
