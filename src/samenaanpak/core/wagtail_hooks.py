from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from .models import OutgoingEmail
from .permissions import NoAddPermissionPolicy

register_permission_policy(OutgoingEmail, NoAddPermissionPolicy(OutgoingEmail))  # only the outbox writes mail


class OutgoingEmailViewSet(ModelViewSet):
    """The outbox: what was sent, and what is still waiting because the mail server failed."""

    model = OutgoingEmail
    icon = "mail"
    menu_label = _("Uitgaande e-mail")
    add_to_settings_menu = True
    url_prefix = "uitgaande-email"
    list_display = ["purpose", "status", "attempts", "last_error", "next_attempt_at", "created_at"]
    list_filter = ["status", "purpose"]
    inspect_view_enabled = True
    form_fields = ["status"]
    ordering = ["status", "-created_at"]


@hooks.register("register_admin_viewset")
def register_outgoing_email_viewset():
    return OutgoingEmailViewSet("uitgaande_email")
