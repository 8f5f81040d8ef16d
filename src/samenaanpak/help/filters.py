import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from samenaanpak.core.models import area_choices

from .models import Audience, HelpOffer, Topic

CHANNELS = [
    ("telefoon", _("Bellen")),
    ("chat", _("Chatten")),
    ("persoonlijk", _("Persoonlijk (face to face)")),
    ("online", _("Online")),
]


def where_choices():
    """The municipality's kernen (from its content), then the region and national help."""
    return area_choices() + [
        (HelpOffer.Reach.REGION, _("Regio")),
        (HelpOffer.Reach.NATIONAL, _("Landelijk of online")),
    ]


class HelpOfferFilter(django_filters.FilterSet):
    """The filters of /hulp/: a plain GET form, so every filtered list has its own URL."""

    # Audiences and topics by slug. Their choices are read in __init__, once per request: a
    # ModelMultipleChoiceFilter read the table once to draw the checkboxes and again to check the
    # values sent.
    voor = django_filters.MultipleChoiceFilter(
        label=_("Voor wie"),
        field_name="audiences__slug",
        widget=forms.CheckboxSelectMultiple,
        distinct=True,
    )
    onderwerp = django_filters.MultipleChoiceFilter(
        label=_("Onderwerp"),
        field_name="topics__slug",
        widget=forms.CheckboxSelectMultiple,
        distinct=True,
    )
    hoe = django_filters.MultipleChoiceFilter(
        label=_("Hoe"),
        choices=CHANNELS,
        widget=forms.CheckboxSelectMultiple,
        method="filter_channels",
    )
    gebied = django_filters.MultipleChoiceFilter(
        label=_("Waar"),
        choices=where_choices,
        widget=forms.CheckboxSelectMultiple,
        method="filter_where",
    )
    anoniem = django_filters.BooleanFilter(
        label=_("Alleen anoniem"),
        field_name="anonymous_possible",
        method="filter_anonymous",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = HelpOffer
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, model in (("voor", Audience), ("onderwerp", Topic)):
            self.filters[name].extra["choices"] = list(model.objects.values_list("slug", "name"))

    def filter_channels(self, queryset, name, value):
        return queryset.with_channel(value)

    def filter_where(self, queryset, name, value):
        """A kern matches the offers there and those for the whole municipality; 'regio' and
        'landelijk' match offers with that reach. Several choices are OR-ed."""
        reaches = [v for v in value if v in (HelpOffer.Reach.REGION, HelpOffer.Reach.NATIONAL)]
        kernen = [v for v in value if v not in reaches]
        condition = Q(reach__in=reaches)
        if kernen:
            in_kern = HelpOffer.objects.filter(
                reach=HelpOffer.Reach.AREAS, areas__slug__in=kernen
            ).values("pk")
            condition |= Q(reach=HelpOffer.Reach.MUNICIPALITY) | Q(pk__in=in_kern)
        return queryset.filter(condition)

    def filter_anonymous(self, queryset, name, value):
        return queryset.filter(anonymous_possible=True) if value else queryset
