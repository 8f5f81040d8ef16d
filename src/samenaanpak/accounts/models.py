"""Public accounts (residents, parents, volunteers), separate from staff: a Django user without
groups or back-office rights, signed in through django-allauth, plus this profile. The email
address lives on the user (and allauth's EmailAddress) and is never shown; only `display_name`."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# After this long, an account counts as established even if no moderator approved anything of it.
ESTABLISHED_AFTER = datetime.timedelta(days=7)


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(
        _("schermnaam"),
        max_length=40,
        help_text=_("Wordt getoond bij uw bijdragen. Een schuilnaam mag."),
    )
    # Set when a moderator first approves a contribution (participation): from then on the
    # account's ideas appear at once and its reports of comments count fully.
    approved_at = models.DateTimeField(_("eerste bijdrage goedgekeurd op"), null=True, blank=True)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)

    class Meta:
        verbose_name = _("profiel")
        verbose_name_plural = _("profielen")
        constraints = [
            models.UniqueConstraint(Lower("display_name"), name="accounts_unique_display_name")
        ]

    def __str__(self):
        return self.display_name

    def is_established(self, now=None) -> bool:
        """Not a new account any more: a moderator approved a contribution, or it is a week old."""
        now = now or timezone.now()
        return self.approved_at is not None or now - self.created_at >= ESTABLISHED_AFTER
