from django import template
from wagtail.models import Page, Site

register = template.Library()


@register.simple_tag(takes_context=True)
def main_menu(context):
    """The home page's children marked "show in menus": one query, cached on the request."""
    request = context.get("request")
    if request is None:
        return []
    if not hasattr(request, "_main_menu"):
        site = Site.find_for_request(request)
        root = site.root_page if site else None
        request._main_menu = list(Page.objects.child_of(root).live().in_menu()) if root else []
    return request._main_menu
