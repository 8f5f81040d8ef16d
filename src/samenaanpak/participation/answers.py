"""The think tank's official answer to an idea: one transaction for the status step, the linked
actions, the author's service mail and the notice to followers.

The form (admin_forms.AnswerForm) checks first with `check_answer` to show errors at the field;
`answer_idea` checks again under the row lock, so of two answers sent at once one wins and the
other gets `StaleAnswer` (a clear message; nothing of it is stored)."""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samenaanpak.core.history import TransitionError, record_status
from samenaanpak.notifications import api as notifications

from .models import Idea
from .status import ANSWER_STATUSES, IDEA_WORKFLOW, IdeaStatus
from .urls import absolute, idea_path

# Statuses whose answer may name actions of the plan; "overgenomen" must.
WITH_ACTIONS = frozenset({IdeaStatus.ADOPTED, IdeaStatus.ALREADY_PLANNED})


class StaleAnswer(TransitionError):
    pass


STALE_MESSAGE = gettext_lazy(
    "Iemand anders heeft dit idee intussen beantwoord. Bekijk het nieuwe antwoord en probeer het "
    "zo nodig opnieuw; uw tekst staat hieronder nog."
)


def answer_choices(current: str | None) -> list[str]:
    """The answer statuses the table allows from `current` (none while an idea waits)."""
    allowed = IDEA_WORKFLOW.allowed(current)
    return [
        status for status in IdeaStatus.values if status in allowed and status in ANSWER_STATUSES
    ]


def check_answer(current: str | None, status: str, note: str, actions) -> None:
    """Raise TransitionError (its code says which field) unless this answer may be given."""
    if status not in ANSWER_STATUSES:
        raise TransitionError(
            _("Dit is geen antwoord van de denktank; kies een van de antwoorden."),
            code="not_an_answer",
        )
    IDEA_WORKFLOW.check(current, status, note=note)
    if status == IdeaStatus.ADOPTED and not actions:
        raise TransitionError(
            _(
                "Kies bij “overgenomen” de actie of acties van het plan waarin het idee verder gaat."
            ),
            code="actions_required",
        )
    if actions and status not in WITH_ACTIONS:
        raise TransitionError(
            _("Alleen bij “overgenomen” of “al gepland” horen acties bij het antwoord."),
            code="actions_not_allowed",
        )


def answer_idea(idea: Idea, status: str, note: str, actions, author, *, expected_state_id=None):
    """Record the answer. `expected_state_id`: the history row the form was based on; when
    someone else answered meanwhile, raise StaleAnswer. Returns the new IdeaEvent."""
    actions = list(actions or [])
    note = (note or "").strip()
    with transaction.atomic():
        locked = Idea.objects.select_for_update().get(pk=idea.pk)
        if expected_state_id is not None and locked.state_id != expected_state_id:
            raise StaleAnswer(STALE_MESSAGE, code="stale")
        check_answer(locked.status if locked.state_id else None, status, note, actions)
        event = record_status(idea, status, author=author, note=note)
        idea.actions.set(actions if status in WITH_ACTIONS else [])
        path = idea_path(idea)
        topic = notifications.ensure_topic(idea, idea.title, path)
        label = IdeaStatus(status).label
        notifications.send_service_mail(
            idea.author,
            _("De denktank heeft uw idee beantwoord"),
            _(
                "De denktank %(think_tank)s heeft uw idee “%(title)s” beantwoord: %(status)s."
                "\n\n%(note)s\n\nLees het antwoord op de site:\n%(url)s"
            )
            % {
                "think_tank": idea.think_tank.title,
                "title": idea.title,
                "status": label,
                "note": note,
                "url": absolute(path),
            },
        )
        notifications.post(
            topic,
            _("Antwoord van de denktank: %(status)s") % {"status": label},
            note,
            path,
        )
    return event
