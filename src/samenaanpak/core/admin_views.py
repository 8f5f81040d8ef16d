"""Back-office views of core (registered in wagtail_hooks.py)."""

from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

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
