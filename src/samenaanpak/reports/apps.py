from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "samenaanpak.reports"
    label = "reports"
    verbose_name = _("Meldpunt")

    def ready(self):
        from . import signals  # noqa: F401 (connects the receivers)
