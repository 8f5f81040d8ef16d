"""Following and notifications, used by every feature that has news for people.

- A `Topic` is something people can follow. The followed thing points to its topic with a real
  key (`Idea.topic`, `ThinkTankPage.topic`, `PlanPage.topic`), so this app knows no other app.
- A `Subscriber` is a person who receives mail: an account (`user`) or, without an account, an
  email address confirmed by double opt-in (`confirmed_at`, and the `Consent` rows as proof).
- A `Follow` ties a subscriber to a topic. A `Notice` is one event on a topic ("the think tank
  answered", "the action is now 60 %"); a `Delivery` is that notice for one subscriber, sent at
  once or collected in a digest by the subscriber's `frequency`. Immediate and digest users get
  the same Delivery rows; only the moment of sending differs.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Topic(models.Model):
    title = models.CharField(_("titel"), max_length=200)
    path = models.CharField(_("adres op de site"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("onderwerp om te volgen")
        verbose_name_plural = _("onderwerpen om te volgen")

    def __str__(self):
        return self.title


class Frequency(models.TextChoices):
    IMMEDIATE = "direct", _("Direct")
    DAILY = "dagelijks", _("Eén keer per dag")
    WEEKLY = "wekelijks", _("Eén keer per week")
    NEVER = "nooit", _("Geen e-mail")


class Subscriber(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subscriber",
    )
    # Only for a subscriber without an account; an account's address is its user's.
    email = models.EmailField(_("e-mailadres"), blank=True)
    confirmed_at = models.DateTimeField(_("bevestigd op"), null=True, blank=True)
    frequency = models.CharField(
        _("hoe vaak"), max_length=12, choices=Frequency.choices, default=Frequency.DAILY
    )
    # The mail server refused the address permanently (5xx): no mail until it is confirmed anew.
    rejected_at = models.DateTimeField(_("adres geweigerd op"), null=True, blank=True)
    # In the unsubscribe and confirmation links (signed), so they name no address. A new one is
    # drawn on unsubscribing, which makes every older link useless.
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the last digest was queued: at most one digest per period (notifications.digest).
    last_digest_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("abonnee")
        verbose_name_plural = _("abonnees")
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(email=""),
                name="notifications_subscriber_has_address",
            ),
            models.UniqueConstraint(
                fields=["email"],
                condition=Q(user__isnull=True),
                name="notifications_unique_email_without_account",
            ),
        ]

    def __str__(self):
        return f"abonnee {self.pk}"

    @property
    def address(self) -> str:
        return self.user.email if self.user_id else self.email


class Consent(models.Model):
    """Proof of consent (AVG): when, from which page, with which text, and when confirmed."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="consents")
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.SET_NULL)
    text = models.TextField(_("getoonde toestemmingstekst"))
    page = models.CharField(_("pagina"), max_length=300)
    given_at = models.DateTimeField(_("gegeven op"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("bevestigd op"), null=True, blank=True)

    class Meta:
        verbose_name = _("toestemming")
        verbose_name_plural = _("toestemmingen")


class Follow(models.Model):
    class Source(models.TextChoices):
        CHOSEN = "gekozen", _("Zelf gekozen")
        OWN = "eigen", _("Eigen bijdrage")

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="follows")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="follows")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.CHOSEN)
    # Without an account a follow counts once its double opt-in is confirmed.
    confirmed_at = models.DateTimeField(_("bevestigd op"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("volgen")
        verbose_name_plural = _("volgen")
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "topic"], name="notifications_follow_once"
            )
        ]


class Notice(models.Model):
    """One event on a topic, written once by the app it is about (notifications.api.post)."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="notices")
    title = models.CharField(_("titel"), max_length=200)
    text = models.TextField(_("tekst"), blank=True)
    path = models.CharField(_("adres op de site"), max_length=300, blank=True)
    # The same event posted on several topics (news on a think tank *and* on the plan) shares a
    # key: a person who follows both gets it once (notifications.sending).
    event = models.CharField(max_length=100, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    fanned_out_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("bericht")
        verbose_name_plural = _("berichten")
        ordering = ["-created_at", "-pk"]


class Delivery(models.Model):
    """A notice for one subscriber; `sent_at` is set in the transaction that queues its mail (at
    once or in a digest), so no notice is mailed twice to one person."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "subscriber"], name="notifications_deliver_once"
            )
        ]
        indexes = [
            models.Index(fields=["subscriber", "sent_at"], name="notifications_delivery_waiting")
        ]
