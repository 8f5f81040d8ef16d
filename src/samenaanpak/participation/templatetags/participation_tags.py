from django import template

from samenaanpak.accounts.identity import shown_name

register = template.Library()


@register.filter
def author_name(obj):
    """The public name of an idea's or comment's author ("verwijderd account" when gone). The
    example content has no account: its ideas say "Voorbeeld"."""
    if obj.author_id is None and getattr(obj, "is_example", False):
        from django.utils.translation import gettext

        return gettext("een voorbeeldinwoner")
    return shown_name(obj.author)
