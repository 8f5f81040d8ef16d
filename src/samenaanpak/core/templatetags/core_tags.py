from django import template

from samenaanpak.core.navigation import navigation as build_navigation

register = template.Library()


@register.simple_tag(takes_context=True)
def navigation(context):
    """The main menu and footer links from the site settings (core.navigation): one query for the
    links and their pages, kept on the request."""
    return build_navigation(context.get("request"), context.get("page"))
