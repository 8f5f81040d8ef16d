"""Short editable texts that act as interface (home tiles, crisis numbers) carry an optional
English twin in a field named `<name>_en`; the page shows it when the visitor chose English."""

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def in_language(value, name):
    """`{{ block.value|in_language:"title" }}`: the English twin if English is active and filled."""
    if (get_language() or "").startswith("en"):
        english = value.get(f"{name}_en") if hasattr(value, "get") else None
        if english:
            return english
    return value.get(name) if hasattr(value, "get") else getattr(value, name, "")
