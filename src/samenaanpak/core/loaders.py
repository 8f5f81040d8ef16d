"""Loaders of core's content kinds: kernen, site settings, contact persons, the page tree and the
home page's entry points (see core.content for the format and the rules)."""

from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.utils.text import slugify
from wagtail.models import Collection, Locale, Page, Site

from .content import field_values, loader
from .models import Area, ContactPerson, SiteSettings


@loader("areas")
def load_areas(items, context):
    for order, item in enumerate(items):
        context.once(
            "area",
            item["slug"],
            Area,
            find=lambda item=item: Area.objects.filter(slug=item["slug"]).first(),
            create=lambda item=item, order=order: Area.objects.create(
                slug=item["slug"], name=item["name"], sort_order=order
            ),
        )


@loader("settings")
def load_settings(values, context):
    def create():
        site_settings = SiteSettings.load()
        for name, value in field_values(SiteSettings, values).items():
            setattr(site_settings, name, value)
        site_settings.save()
        return site_settings

    def find():
        # Filled in already (by the back office or an earlier loader)?
        site_settings = SiteSettings.load()
        return site_settings if site_settings.municipality_name else None

    context.once("settings", "site", SiteSettings, find, create)


@loader("contact_persons")
def load_contact_persons(items, context):
    for order, item in enumerate(items):
        context.once(
            "contact_person",
            item["name"],
            ContactPerson,
            find=lambda item=item: ContactPerson.objects.filter(name=item["name"]).first(),
            create=lambda item=item, order=order: ContactPerson.objects.create(
                sort_order=order, **item
            ),
        )


def _ensure_tree_roots():
    """Wagtail's migrations create the locale, the root page and the root collection; a database
    that was flushed (as between transactional tests) lacks them."""
    if not Locale.objects.exists():
        Locale.objects.create(language_code=settings.LANGUAGE_CODE)
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(title="Root", slug="root", locale=Locale.objects.first())
    return root


def _point_default_site_at(home):
    parts = urlsplit(settings.SITE_URL)
    hostname = parts.hostname or "localhost"
    port = parts.port or (443 if parts.scheme == "https" else 80)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname=hostname,
            port=port,
            root_page=home,
            is_default_site=True,
            site_name=settings.WAGTAIL_SITE_NAME,
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.hostname, site.port, site.site_name = hostname, port, settings.WAGTAIL_SITE_NAME
        site.save()


def _split(spec):
    spec = dict(spec)
    model = apps.get_model(spec.pop("type"))
    children = spec.pop("children", [])
    return model, children, spec


def _publish(parent, model, values):
    """Add the page and publish it; an example page (`is_example`) stays a draft: residents never
    read invented news, editors find it in the back office (core.editorial)."""
    page = model(**field_values(model, values))
    if getattr(page, "is_example", False):
        page.live = False
        parent.add_child(instance=page)
        page.save_revision()
        return page
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


@loader("pages")
def load_pages(home_spec, context):
    """The home page (the mapping itself) and its `children`, recursively. A page's `type` is
    "app.Model"; the other keys are its fields. A page's key is its path ('' for the home page);
    the slug defaults to the title made into a slug."""
    root = _ensure_tree_roots()
    model, children, values = _split(home_spec)

    def create_home():
        # Wagtail's "Welcome" page makes room; the site then points to our home page.
        Page.objects.child_of(root).filter(slug=values.get("slug", "home")).not_type(model).update(
            slug="wagtail-welkom-oud"
        )
        home = _publish(root, model, {"slug": "home", **values})
        Page.objects.child_of(root).filter(slug="wagtail-welkom-oud").delete()
        return home

    home = context.once("page", "", Page, find=lambda: model.objects.first(), create=create_home)
    if home is None:  # deleted in the back office: leave the tree alone
        return
    home = home.specific
    context.home = home
    _point_default_site_at(home)
    _load_children(home, "", children, context)


def _load_children(parent, parent_path, specs, context):
    for spec in specs:
        model, children, values = _split(spec)
        values.setdefault("slug", slugify(values["title"])[:80])
        path = f"{parent_path}/{values['slug']}".strip("/")
        if not context.wants_page(path):
            continue
        page = context.once(
            "page",
            path,
            Page,
            find=lambda values=values: (
                Page.objects.child_of(parent).filter(slug=values["slug"]).first()
            ),
            create=lambda model=model, values=values: _publish(parent, model, values),
        )
        if page is not None:  # an editor's deletion stays (its children are not loaded either)
            _load_children(page.specific, path, children, context)


def page_at(context, path):
    """A page of the content set by its path: where it was loaded, even if renamed or moved."""
    page = context.page(path)
    if page is None:  # loaded before pages were recorded: follow the slugs
        page = context.home or Site.objects.filter(is_default_site=True).first().root_page
        for slug in filter(None, path.split("/")):
            page = Page.objects.child_of(page).filter(slug=slug).first()
            if page is None:
                return None
        page = page.specific
    return page


@loader("entry_points")
def load_entry_points(items, context):
    """The home page's entry points, filled once: `page` is a page's path in the content set."""
    home = page_at(context, "")
    if home is None:
        return

    def create():
        entries = []
        for item in items:
            page = page_at(context, item["page"])
            if page is not None:
                entry = {
                    "title": item["title"],
                    "text": item.get("text", ""),
                    "title_en": item.get("title_en", ""),
                    "text_en": item.get("text_en", ""),
                    "page": page.pk,
                }
                entries.append({"type": "entry", "value": entry})
        home.entry_points = entries
        home.save_revision().publish()
        return home

    context.once(
        "entry_points",
        "home",
        Page,
        find=lambda: home if home.entry_points else None,
        create=create,
    )
