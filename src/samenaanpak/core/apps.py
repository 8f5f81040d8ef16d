from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "samenaanpak.core"
    label = "core"
    verbose_name = _("Site")

    def ready(self):
        from django.db.backends.signals import connection_created

        from .db import restrict_sqlite_files

        connection_created.connect(
            restrict_sqlite_files, dispatch_uid="samenaanpak.core.restrict_sqlite_files"
        )
