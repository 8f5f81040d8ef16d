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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, model in (("voor", Audience), ("onderwerp", Topic)):
            self.filters[name].extra["choices"] = list(model.objects.values_list("slug", "name"))

    def filter_channels(self, queryset, name, value):
        return queryset.with_channel(value)

    def filter_anonymous(self, queryset, name, value):
        return queryset.filter(anonymous_possible=True) if value else queryset
