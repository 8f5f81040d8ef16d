from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanConfig(AppConfig):
    name = "samenaanpak.plan"
    label = "plan"
    verbose_name = _("Plan van aanpak")

    def ready(self):
        from django.db.models.signals import post_save
        from wagtail.signals import page_published

        from . import signals
        from .models import ActionEvent, UpdatePage

        page_published.connect(
            signals.update_published, sender=UpdatePage, dispatch_uid="plan.update_published"
        )
        post_save.connect(
            signals.action_event_saved, sender=ActionEvent, dispatch_uid="plan.action_event_saved"
        )
