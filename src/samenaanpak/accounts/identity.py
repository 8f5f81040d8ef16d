"""Who is who: public accounts vs staff, and the name shown for a contribution."""

from django.utils.translation import gettext_lazy as _

from samenaanpak.core.roles import is_staff_account  # noqa: F401 - one definition, in core

DELETED_ACCOUNT = _("verwijderd account")


def shown_name(user) -> str:
    """The public name of a contribution's author: the display name, or "verwijderd account"."""
    if user is None:
        return str(DELETED_ACCOUNT)
    profile = getattr(user, "profile", None)
    return profile.display_name if profile else str(DELETED_ACCOUNT)
