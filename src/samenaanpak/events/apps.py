from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "samenaanpak.events"
    label = "events"
    verbose_name = _("Bijeenkomsten")

    def ready(self):
        from . import signals  # noqa: F401
