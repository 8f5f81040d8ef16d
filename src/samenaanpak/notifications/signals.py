"""Bounces: core.mail tells (signal `mail_rejected`) when the mail server refused an address
permanently (5xx); every subscriber with that address is marked and gets no bulk mail until the
address is confirmed anew (a new opt-in without an account; a re-confirmation link from
/account/meldingen/ for an account). Connected in NotificationsConfig.ready: core imports
nothing of this app."""

from django.db.models import Q
from django.utils import timezone

from .models import Subscriber


def mark_rejected(sender, address: str, purpose: str = "", **kwargs) -> int:
    if not address:
        return 0
    return Subscriber.objects.filter(
        Q(user__isnull=True, email__iexact=address) | Q(user__email__iexact=address),
        rejected_at__isnull=True,
    ).update(rejected_at=timezone.now())
