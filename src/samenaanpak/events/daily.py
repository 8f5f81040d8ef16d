"""Daily work of the meetings (run once a day by `manage.py scheduler`): retention.

EVENTS_ERASE_AFTER_DAYS after a meeting ended, the personal data of its registrations is erased:
name, address and account link are emptied and the secret is drawn anew, so the links in the old
mails find nothing. The rows stay with their status and history, so the meeting still shows how
many came, were waiting or cancelled."""

import datetime
import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Registration


def erase_past(now=None) -> int:
    """Erase the registrations of meetings that ended more than EVENTS_ERASE_AFTER_DAYS ago."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.EVENTS_ERASE_AFTER_DAYS)
    erased = 0
    with transaction.atomic():
        pks = list(
            Registration.objects.filter(event__end__lt=cutoff, erased_at__isnull=True).values_list(
                "pk", flat=True
            )
        )
        # One UPDATE per row: each gets its own new secret.
        for pk in pks:
            erased += Registration.objects.filter(pk=pk, erased_at__isnull=True).update(
                name="", email="", email_key="", user=None, secret=uuid.uuid4(), erased_at=now
            )
    return erased


def run(now=None) -> str:
    return f"events: {erase_past(now)} registration(s) erased"
