import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Audience, HelpOffer, Topic

CHANNELS = [
    ("telefoon", _("Bellen")),
    ("chat", _("Chatten")),
    ("persoonlijk", _("Persoonlijk (face to face)")),
    ("online", _("Online")),
]


class HelpOfferFilter(django_filters.FilterSet):
    """The filters of /hulp/: a plain GET form, so every filtered list has its own URL."""

    voor = django_filters.ModelMultipleChoiceFilter(
        label=_("Voor wie"),
        field_name="audiences__slug",
        to_field_name="slug",
        queryset=Audience.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        distinct=True,
    )
    onderwerp = django_filters.ModelMultipleChoiceFilter(
        label=_("Onderwerp"),
        field_name="topics__slug",
        to_field_name="slug",
        queryset=Topic.objects.all(),
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
        field_name="area",
        choices=HelpOffer.Area.choices,
        widget=forms.CheckboxSelectMultiple,
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

    def filter_channels(self, queryset, name, value):
        return queryset.with_channel(value)

    def filter_anonymous(self, queryset, name, value):
        return queryset.filter(anonymous_possible=True) if value else queryset
