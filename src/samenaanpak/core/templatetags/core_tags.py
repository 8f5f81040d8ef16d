from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from samenaanpak.core.navigation import navigation as build_navigation

register = template.Library()


@register.simple_tag(takes_context=True)
def navigation(context):
    """The main menu and footer links from the site settings (core.navigation): one query for the
    links and their pages, kept on the request."""
    return build_navigation(context.get("request"), context.get("page"))


@register.simple_tag(takes_context=True)
def account_link(context):
    """The header's "Inloggen" / "Mijn account" link. Without a session cookie the visitor is
    anonymous and the session is not read (reading it adds "Vary: Cookie" and the page could no
    longer be cached for everyone), as in core.middleware.RequireTwoFactorMiddleware."""
    request = context.get("request")
    signed_in = bool(
        request is not None
        and settings.SESSION_COOKIE_NAME in request.COOKIES
        and request.user.is_authenticated
    )
    if signed_in:
        return {"url": reverse("account_overview"), "label": _("Mijn account"), "signed_in": True}
    return {"url": reverse("account_login"), "label": _("Inloggen"), "signed_in": False}
