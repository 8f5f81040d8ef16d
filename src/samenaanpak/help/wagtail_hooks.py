import django_filters
from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import HelpOffer

# Wagtail shows a yes/no filter's active value as "True"/"False" (untranslated); a choice filter
# shows its label. The values stay "true"/"false", as in the links to these lists.
YES_NO = [("true", _("ja")), ("false", _("nee"))]


def yes_no_filter(label, method):
    return django_filters.ChoiceFilter(
        label=label, choices=YES_NO, method=method, widget=forms.RadioSelect, empty_label=_("Alle")
    )


def filter_field(queryset, name, value):
    return queryset.filter(**{name: value == "true"}) if value else queryset


def yes_no(field_name, label):
    """A list column that says "ja" or "nee" rather than True/False."""
    return Column(
        field_name,
        label=label,
        accessor=lambda obj: _("ja") if getattr(obj, field_name) else _("nee"),
    )


class HelpOfferFilterSet(WagtailFilterSet):
    active = yes_no_filter(_("tonen op de site"), filter_field)
    to_confirm = yes_no_filter(_("te bevestigen door de gemeente"), "filter_to_confirm")
    stale = yes_no_filter(_("Langer dan 6 maanden niet gecontroleerd"), "filter_stale")

    class Meta:
        model = HelpOffer
        fields = ["kind", "reach", "areas"]

    def filter_to_confirm(self, queryset, name, value):
        if not value:
            return queryset
        open_items = queryset.exclude(to_confirm="")
        return open_items if value == "true" else queryset.filter(to_confirm="")

    def filter_stale(self, queryset, name, value):
        if not value:
            return queryset
        stale = HelpOffer.objects.stale().values("pk")
        return queryset.filter(pk__in=stale) if value == "true" else queryset.exclude(pk__in=stale)


class HelpOfferViewSet(SnippetViewSet):
    model = HelpOffer
    icon = "help"
    menu_label = _("Hulpaanbod")
    menu_order = 210
    url_prefix = "hulpaanbod"
    add_to_admin_menu = True
    list_display = [
        "name",
        "kind",
        "where_label",
        "checked_label",
        yes_no("active", _("tonen op de site")),
    ]
    filterset_class = HelpOfferFilterSet
    ordering = ["last_checked", "name"]  # the longest unchecked first


register_snippet(HelpOfferViewSet)


@hooks.register("register_bulk_action")
class MarkCheckedBulkAction(SnippetBulkAction):
    """Select offers in the list, confirm, and their last-checked date becomes today and nothing
    is left to confirm (POST only, for those who may change offers)."""

    display_name = _("Gecontroleerd vandaag")
    action_type = "gecontroleerd"
    aria_label = _("Zet de geselecteerde hulpaanbiedingen op vandaag gecontroleerd")
    template_name = "help/admin/confirm_mark_checked.html"
    action_priority = 10
    models = [HelpOffer]

    def check_perm(self, obj):
        return self.permission_policy.user_has_permission_for_instance(
            self.request.user, "change", obj
        )

    @classmethod
    def execute_action(cls, objects, **kwargs):
        count = HelpOffer.objects.filter(pk__in=[obj.pk for obj in objects]).update(
            last_checked=timezone.localdate(), to_confirm=""
        )
        return count, 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext(
            "%(count)d hulpaanbod staat op vandaag gecontroleerd.",
            "%(count)d hulpaanbiedingen staan op vandaag gecontroleerd.",
            num_parent_objects,
        ) % {"count": num_parent_objects}


class StaleOffersPanel(Component):
    """On the back office's home page: how many offers need checking."""

    name = "stale_help_offers"
    order = 150
    template_name = "help/admin/stale_offers_panel.html"

    def get_context_data(self, parent_context):
        return {
            "count": HelpOffer.objects.active().stale().count(),
            "url": reverse("wagtailsnippets_help_helpoffer:list") + "?stale=true",
        }


@hooks.register("construct_homepage_panels")
def add_stale_offers_panel(request, panels):
    if request.user.has_perm("help.change_helpoffer"):
        panels.append(StaleOffersPanel())
