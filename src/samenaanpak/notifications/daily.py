"""Daily work of notifications: sign-ups never confirmed and old delivery rows are deleted."""

import datetime

from django.conf import settings
from django.utils import timezone

from .models import Consent, Delivery, Follow, Subscriber


def run(now=None) -> str:
    now = now or timezone.now()
    optin_cutoff = now - datetime.timedelta(days=settings.NOTIFICATION_OPTIN_DAYS)
    # Proof of a consent that was never confirmed proves nothing; the link has expired anyway.
    consents, _ = Consent.objects.filter(
        confirmed_at__isnull=True, given_at__lt=optin_cutoff
    ).delete()
    follows, _ = Follow.objects.filter(
        subscriber__user__isnull=True, confirmed_at__isnull=True, created_at__lt=optin_cutoff
    ).delete()
    # An address that confirmed nothing and follows nothing is kept for no purpose.
    subscribers, _ = Subscriber.objects.filter(
        user__isnull=True, follows__isnull=True, consents__isnull=True, created_at__lt=optin_cutoff
    ).delete()
    deliveries, _ = Delivery.objects.filter(
        sent_at__lt=now - datetime.timedelta(days=settings.NOTIFICATION_DELIVERY_RETENTION_DAYS)
    ).delete()
    return (
        f"notifications: {consents} unconfirmed consent(s), {follows} follow(s), "
        f"{subscribers} address(es) and {deliveries} old deliveries deleted"
    )
