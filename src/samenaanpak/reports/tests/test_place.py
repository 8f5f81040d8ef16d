"""The report form's "In welke plaats?" lists the municipality's kernen (core.Area, from its
content), and the report keeps the kern's name as chosen."""

import pytest

from samenaanpak.core.models import Area
from samenaanpak.reports.forms import ReportForm


@pytest.mark.django_db
def test_place_choices_are_the_kernen_and_the_name_is_kept():
    Area.objects.create(slug="noorddorp", name="Noorddorp", sort_order=1)
    Area.objects.create(slug="den-oever", name="Den Oever", sort_order=0)
    field = ReportForm().fields["place"]
    assert [value for value, _ in field.choices] == ["", "den-oever", "noorddorp"]
    assert field.clean("den-oever") == "den-oever" and field.valid_value("noorddorp")
    assert not field.valid_value("hoevelaken")
    form = ReportForm()
    form.cleaned_data = {"place": "den-oever"}
    assert form.clean_place() == "Den Oever"
