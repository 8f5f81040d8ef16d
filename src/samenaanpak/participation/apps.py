from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "samenaanpak.participation"
    label = "participation"
    verbose_name = _("Denk mee")

    def ready(self):
        from . import origins, signals  # noqa: F401 - registers the receivers
