from django.db.models import Count
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from . import editorial, mail
from .admin_views import ToConfirmView, editable_rows
from .models import OutgoingEmail
from .permissions import NoAddPermissionPolicy

register_permission_policy(
    OutgoingEmail, NoAddPermissionPolicy(OutgoingEmail)
)  # only the outbox writes mail


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


class OutboxPanel(Component):
    """On the back office's home page, for whoever may see the outbox: mail that waits long or failed."""

    name = "outbox"
    order = 50
    template_name = "core/admin/outbox_panel.html"

    def __init__(self, waiting, failed):
        self.waiting, self.failed = waiting, failed

    def get_context_data(self, parent_context):
        return {
            "waiting": self.waiting,
            "failed": self.failed,
            "url": reverse("uitgaande_email:index"),
        }


@hooks.register("construct_homepage_panels")
def add_outbox_panel(request, panels):
    if not request.user.has_perm("core.change_outgoingemail"):
        return
    counts = {status: 0 for status in OutgoingEmail.Status.values}
    counts.update(mail.waiting_long().values_list("status").annotate(n=Count("pk")).order_by())
    if counts[OutgoingEmail.Status.PENDING] or counts[OutgoingEmail.Status.FAILED]:
        panels.append(
            OutboxPanel(counts[OutgoingEmail.Status.PENDING], counts[OutgoingEmail.Status.FAILED])
        )


# --- Te bevestigen (core.editorial) --------------------------------------------------------------


@hooks.register("register_admin_urls")
def register_to_confirm_url():
    return [path("te-bevestigen/", ToConfirmView.as_view(), name="core_to_confirm")]


@hooks.register("register_reports_menu_item")
def register_to_confirm_menu_item():
    return MenuItem(_("Te bevestigen"), reverse("core_to_confirm"), icon_name="warning", order=50)


class ToConfirmPanel(Component):
    """On the back office's home page: how much is still to confirm or is an example."""

    name = "to_confirm"
    order = 60
    template_name = "core/admin/to_confirm_panel.html"

    def __init__(self, open_count, example_count):
        self.open_count, self.example_count = open_count, example_count

    def get_context_data(self, parent_context):
        return {
            "open_count": self.open_count,
            "example_count": self.example_count,
            "url": reverse("core_to_confirm"),
        }


@hooks.register("construct_homepage_panels")
def add_to_confirm_panel(request, panels):
    # Editors only (those who may edit some of it); meldpunt handlers are not shown content work.
    finder_rows = [
        row
        for _model, items in editorial.open_items()
        for row in editable_rows(request.user, items)
    ]
    examples = [
        row for _model, items in editorial.examples() for row in editable_rows(request.user, items)
    ]
    if finder_rows or examples:
        panels.append(ToConfirmPanel(len(finder_rows), len(examples)))
