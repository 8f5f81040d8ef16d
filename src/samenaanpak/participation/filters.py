"""The filters and sorting of /denk-mee/: a plain GET form (django-filter), so every filtered
list has its own address and works without JavaScript. Choices are read once per request."""

import django_filters
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from samenaanpak.plan.models import Goal, ThinkTankPage

from .models import Idea
from .status import PUBLIC_IDEA_STATUSES, IdeaStatus

SORTS = [
    ("nieuw", _("Nieuwste eerst")),
    ("steun", _("Meeste steun")),
    ("beantwoord", _("Laatst beantwoord")),
]
ORDERINGS = {
    "nieuw": ("-created_at", "-pk"),
    "steun": ("-support_count", "-created_at", "-pk"),
    # Unanswered ideas last (NULLs last on SQLite and PostgreSQL alike).
    "beantwoord": (F("answered_at").desc(nulls_last=True), "-pk"),
}


class IdeaFilter(django_filters.FilterSet):
    denktank = django_filters.ChoiceFilter(
        label=_("Denktank"), field_name="think_tank", empty_label=_("Alle denktanks")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(s.value, s.label) for s in IdeaStatus if s in PUBLIC_IDEA_STATUSES],
        empty_label=_("Alle statussen"),
    )
    doel = django_filters.ChoiceFilter(
        label=_("Doel"), field_name="goal", empty_label=_("Alle doelen")
    )
    sorteer = django_filters.ChoiceFilter(
        label=_("Sorteren"), choices=SORTS, method="sort", empty_label=None
    )

    class Meta:
        model = Idea
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        tanks = list(ThinkTankPage.objects.live().order_by("path").values_list("pk", "title"))
        self.filters["denktank"].extra["choices"] = tanks
        goals = Goal.objects.filter(think_tank__live=True).order_by(
            "think_tank__path", "sort_order"
        )
        self.filters["doel"].extra["choices"] = list(goals.values_list("pk", "title"))
        for name in ("denktank", "status", "doel", "sorteer"):
            attrs = self.form.fields[name].widget.attrs
            attrs.update(id=f"id_{name}", **{"class": "utrecht-select utrecht-select--html-select"})

    def sort(self, queryset, name, value):
        return queryset.order_by(*ORDERINGS.get(value, ORDERINGS["nieuw"]))
