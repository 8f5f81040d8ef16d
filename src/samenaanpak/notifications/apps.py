from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "samenaanpak.notifications"
    label = "notifications"
    verbose_name = _("Meldingen en volgen")

    def ready(self):
        from samenaanpak.core.mail import mail_rejected

        from .signals import mark_rejected

        mail_rejected.connect(mark_rejected, dispatch_uid="notifications.mark_rejected")
