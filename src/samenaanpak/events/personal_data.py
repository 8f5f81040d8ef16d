"""Download my data and delete my account (accounts.personal_data): the meetings' part, and the
section "Mijn bijeenkomsten" of the account overview.

- export: every registration made with the account (meeting, its date, status, the name and
  address given).
- erase: a place or a place on the waiting list for a meeting still ahead is cancelled through
  services.cancel, so the first person waiting moves up (and is told); then the name, address and
  account link of all the account's registrations are erased and their secrets drawn anew (the
  links in old mails die). The rows and their statuses stay: the meeting's counts do not change.
  The person is not mailed about their own cancellation: their address is gone by then."""

import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import services, tokens
from .models import Registration
from .status import ACTIVE


def _when(value):
    return value.isoformat() if value else None


def export(user) -> dict:
    registrations = (
        Registration.objects.filter(user=user).select_related("event").order_by("created_at", "pk")
    )
    return {
        "aanmeldingen": [
            {
                "bijeenkomst": registration.event.title,
                "begint": _when(registration.event.start),
                "status": registration.status,
                "naam": registration.name,
                "e-mailadres": registration.email,
                "aangemeld_op": _when(registration.created_at),
                "herinnerd_op": _when(registration.reminded_at),
            }
            for registration in registrations
        ]
    }


def _erase_rows(queryset, now) -> None:
    for pk in queryset.values_list("pk", flat=True):
        Registration.objects.filter(pk=pk).update(
            name="", email="", email_key="", user=None, secret=uuid.uuid4(), erased_at=now
        )


def erase(user) -> None:
    now = timezone.now()
    with transaction.atomic():
        upcoming = list(
            Registration.objects.filter(user=user, status__in=ACTIVE, event__start__gt=now)
        )
        # Erase first: services.cancel then mails nobody about this cancellation, only the person
        # who moves up from the waiting list.
        _erase_rows(Registration.objects.filter(user=user), now)
        for registration in upcoming:
            registration.refresh_from_db()
            try:
                services.cancel(registration, now=now)
            except services.Refused:
                pass  # cancelled or started in the meantime


def account_sections(user) -> list[dict]:
    """ "Mijn bijeenkomsten": the account's places and waiting-list places for meetings ahead,
    each with its page and the link to cancel."""
    now = timezone.now()
    registrations = list(
        Registration.objects.filter(
            user=user,
            status__in=ACTIVE,
            erased_at__isnull=True,
            event__live=True,
            event__start__gt=now,
        )
        .select_related("event")
        .order_by("event__start", "pk")[:50]
    )
    index = None
    for registration in registrations:
        # One meetings page for all: the first meeting's, handed to the others.
        index = registration.event._index_page = index or registration.event.get_parent().specific
        registration.cancel_path = tokens.cancel_path(registration)
    return [
        {
            "title": _("Mijn bijeenkomsten"),
            "template": "events/sections/mine.html",
            "context": {"registrations": registrations},
        }
    ]
