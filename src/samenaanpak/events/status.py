"""Statuses of a registration for a meeting: values and the table of allowed steps. The history
itself is written by samenaanpak.core.history.record_status (services.py is the only caller)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from samenaanpak.core.history import Workflow


class RegistrationStatus(models.TextChoices):
    REGISTERED = "aangemeld", _("Aangemeld")
    WAITING = "wachtlijst", _("Op de wachtlijst")
    CANCELLED = "afgemeld", _("Afgemeld")
    EVENT_CANCELLED = "afgelast", _("Bijeenkomst afgelast")


TRANSITIONS: dict[str | None, frozenset[str]] = {
    # A sign-up takes a place, or waits when the meeting is full.
    None: frozenset({RegistrationStatus.REGISTERED, RegistrationStatus.WAITING}),
    # The first on the list moves up when a place frees; anyone may leave the list.
    RegistrationStatus.WAITING: frozenset(
        {
            RegistrationStatus.REGISTERED,
            RegistrationStatus.CANCELLED,
            RegistrationStatus.EVENT_CANCELLED,
        }
    ),
    RegistrationStatus.REGISTERED: frozenset(
        {RegistrationStatus.CANCELLED, RegistrationStatus.EVENT_CANCELLED}
    ),
    # Final: signing up again makes a new registration.
    RegistrationStatus.CANCELLED: frozenset(),
    RegistrationStatus.EVENT_CANCELLED: frozenset(),
}

WORKFLOW = Workflow(
    RegistrationStatus,
    TRANSITIONS,
    not_allowed=_("Van “%(from)s” kan een aanmelding niet naar “%(to)s”. Toegestaan: %(allowed)s."),
)

# A registration that holds a place or a place in the queue: one per address per meeting.
ACTIVE = (RegistrationStatus.REGISTERED, RegistrationStatus.WAITING)


class Audience(models.TextChoices):
    EVERYONE = "iedereen", _("Iedereen")
    PARENTS = "ouders", _("Ouders")
    YOUNG_PEOPLE = "jongeren", _("Jongeren")
    PROFESSIONALS = "professionals", _("Professionals")


class RegistrationMode(models.TextChoices):
    """How people take part: sign up here, or just come."""

    OPEN = "open", _("Aanmelden kan")
    CLOSED = "gesloten", _("Aanmelden is gesloten")
    NONE = "geen", _("Geen aanmelding nodig")
