import django_filters
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.components import Component
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import HelpOffer


class HelpOfferFilterSet(WagtailFilterSet):
    stale = django_filters.BooleanFilter(label=_("Langer dan 6 maanden niet gecontroleerd"), method="filter_stale")

    class Meta:
        model = HelpOffer
        fields = ["kind", "area", "active", "is_example"]

    def filter_stale(self, queryset, name, value):
        if value is None:
            return queryset
        stale = HelpOffer.objects.stale().values("pk")
        return queryset.filter(pk__in=stale) if value else queryset.exclude(pk__in=stale)


class HelpOfferViewSet(SnippetViewSet):
    model = HelpOffer
    icon = "help"
    menu_label = _("Hulpaanbod")
    menu_order = 210
    url_prefix = "hulpaanbod"
    add_to_admin_menu = True
    list_display = ["name", "kind", "area", "checked_label", "active"]
    filterset_class = HelpOfferFilterSet
    ordering = ["last_checked", "name"]  # the longest unchecked first


register_snippet(HelpOfferViewSet)


class StaleOffersPanel(Component):
    """On the back office's home page: how many offers need checking."""

    name = "stale_help_offers"
    order = 150
    template_name = "help/admin/stale_offers_panel.html"

    def get_context_data(self, parent_context):
        return {"count": HelpOffer.objects.active().stale().count(),
                "url": reverse("wagtailsnippets_help_helpoffer:list") + "?stale=true"}


@hooks.register("construct_homepage_panels")
def add_stale_offers_panel(request, panels):
    if request.user.has_perm("help.change_helpoffer"):
        panels.append(StaleOffersPanel())
