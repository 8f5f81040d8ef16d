"""What editors must still check before residents may read it as fact.

Two markers, one meaning each:
- `to_confirm` (the abstract model `ToConfirm`): a fact that is shown, but that the municipality
  has not confirmed yet (it came from a general source, not from the municipality). The text says
  what to check; empty means confirmed. Residents see the fact; editors see the list of what is
  still open in the back office ("Te bevestigen") and a panel on their home page.
- `is_example` (on actions and news updates): invented content that shows how the site works.
  Residents never see it: example actions count in no figure and are listed nowhere public,
  example news is loaded as a draft. Editors find it in the back office, marked "voorbeeld".
"""

from django.apps import apps
from django.db import models
from django.utils.translation import gettext_lazy as _


class ToConfirm(models.Model):
    to_confirm = models.TextField(
        _("te bevestigen door de gemeente"),
        blank=True,
        help_text=_(
            "Wat de gemeente nog moet bevestigen voordat dit als feit mag gelden. Maak het veld "
            "leeg als het klopt."
        ),
    )

    class Meta:
        abstract = True


def confirm_models():
    """The concrete models that carry `to_confirm`, in a stable order."""
    found = [
        model
        for model in apps.get_models()
        if issubclass(model, ToConfirm) and not model._meta.abstract
    ]
    return sorted(found, key=lambda model: model._meta.label)


def open_items():
    """(model, instances) for every model with items still to confirm; one query per model."""
    for model in confirm_models():
        items = list(model._default_manager.exclude(to_confirm=""))
        if items:
            yield model, items


def open_count() -> int:
    return sum(m._default_manager.exclude(to_confirm="").count() for m in confirm_models())


def example_models():
    """The concrete models with an `is_example` flag."""
    found = [
        model
        for model in apps.get_models()
        if any(field.name == "is_example" for field in model._meta.concrete_fields)
    ]
    return sorted(found, key=lambda model: model._meta.label)


def examples():
    """(model, instances) for every model that still holds example content."""
    for model in example_models():
        items = list(model._default_manager.filter(is_example=True))
        if items:
            yield model, items
