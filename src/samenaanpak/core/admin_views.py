"""Back-office views of core (registered in wagtail_hooks.py)."""

from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.snippets.views import snippets

from . import editorial


def editable_rows(user, items):
    """(item, edit url) for the items this user may edit; the others are left out."""
    finder = AdminURLFinder(user)
    rows = ((item, finder.get_edit_url(item)) for item in items)
    return [(item, url) for item, url in rows if url]


class ToConfirmView(WagtailAdminTemplateMixin, TemplateView):
    """What the municipality must still confirm, and the examples residents do not see."""

    page_title = _("Te bevestigen")
    header_icon = "warning"
    template_name = "core/admin/to_confirm.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["groups"] = [
            (model._meta.verbose_name_plural, rows)
            for model, items in editorial.open_items()
            if (rows := editable_rows(user, items))
        ]
        context["examples"] = [
            (model._meta.verbose_name_plural, rows)
            for model, items in editorial.examples()
            if (rows := editable_rows(user, items))
        ]
        return context


# --- Snippets of a unit (core.permissions.Membership) -------------------------------------------


def own_units_instances(view):
    """The instances the user's policy covers (their own units', or all for who covers all)."""
    return view.permission_policy.instances_user_has_any_permission_for(
        view.request.user, ["add", "change", "delete", "view"]
    )


class OwnUnitsEditView(snippets.EditView):
    def get_queryset(self):
        return own_units_instances(self)


class OwnUnitsDeleteView(snippets.DeleteView):
    def get_queryset(self):
        return own_units_instances(self)


class OwnUnitsHistoryView(snippets.HistoryView):
    def get_base_object_queryset(self):  # (get_queryset is the list of log entries here)
        return own_units_instances(self)


class OwnUnitsUsageView(snippets.UsageView):
    def get_base_object_queryset(self):
        return own_units_instances(self)


class OwnUnitsSnippetViewSet(snippets.SnippetViewSet):
    """A snippet owned by a unit (a think tank's action, a team's category): every view of one
    instance finds only those of the user's own units (404 otherwise), the list shows only those
    (the policy, core.permissions.MembershipPolicy), and copying is off (Wagtail 8's copy view,
    POSTed to directly, saves over the original)."""

    edit_view_class = OwnUnitsEditView
    delete_view_class = OwnUnitsDeleteView
    history_view_class = OwnUnitsHistoryView
    usage_view_class = OwnUnitsUsageView
    copy_view_enabled = False
