"""Loads the Nijkerk content of every app that has some: each app may have a module `nijkerk` with
a function `load()`. Discovery instead of imports keeps the apps' dependencies pointing one way;
apps load in INSTALLED_APPS order (plan creates the home page the others hang under)."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.db import transaction


@transaction.atomic
def load_all():
    from .navigation import ensure_default_links

    for config in apps.get_app_configs():
        module_name = f"{config.name}.nijkerk"
        if config.name.startswith("samenaanpak.") and find_spec(module_name):
            import_module(module_name).load()
    ensure_default_links()  # menu and footer links in the site settings, when still empty


def replace_placeholder_page(home, slug, page):
    """Put `page` at /<slug>/ in place of the first release's "coming soon" ContentPage there
    (unless an editor changed it), and point the home page's entry points at it.
    Returns the new page, or None when the placeholder was edited and is left alone."""
    from wagtail.models import Page

    from .models import ContentPage

    placeholder = Page.objects.child_of(home).filter(slug=slug).first()
    if placeholder is not None:
        specific = placeholder.specific
        if not (isinstance(specific, ContentPage) and "Binnenkort" in str(specific.body.raw_data)):
            return None
        page.show_in_menus = placeholder.show_in_menus
        old_pk = placeholder.pk
        placeholder.delete()
    home.add_child(instance=page)
    page.save_revision().publish()
    if placeholder is not None:
        data = home.entry_points.raw_data
        repointed = False
        for block in data:
            if block["value"].get("page") == old_pk:
                block["value"]["page"] = page.pk
                repointed = True
        if repointed:
            home.entry_points = list(data)
            home.save_revision().publish()
    return page
