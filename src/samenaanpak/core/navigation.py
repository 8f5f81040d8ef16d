"""The main menu and the footer's links: pages chosen in the site settings (NavigationLink), read in
one query with their pages and kept on the request. Nothing here knows a slug: an editor may rename
or move any page.

The menu marks one item with aria-current: the deepest one whose page is the visitor's page or
one of its ancestors ("page" for the page itself, "true" for a page inside that section)."""

from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Q
from django.urls import NoReverseMatch
from django.utils.translation import get_language
from wagtail.models import Page, Site

# Shown when the settings hold no menu yet, and filled in by ensure_default_links() (the content
# loader calls it): the slugs of the home page's children, in this order, with a short name.
DEFAULT_MENU = [  # slug, label, English label
    ("hulp", "Hulp", "Help"),
    ("melden", "Melden", "Report"),
    ("vragen", "Vragen", "Questions"),
    ("denk-mee", "Denk mee", "Think along"),
    ("bijeenkomsten", "Agenda", "Events"),  # short: the wide menu stays on one line
    ("vrijplaats", "Vrijplaats", "Vrijplaats"),
    ("plan-van-aanpak", "Plan", "Plan"),
    ("denktanks", "Denktanks", "Think tanks"),
    ("nieuws", "Nieuws", "News"),
    ("contact", "Contact", "Contact"),
]
DEFAULT_FOOTER = [
    ("contact", "", "Contact"),
    ("privacy", "", "Privacy statement"),
    ("toegankelijkheid", "", "Accessibility"),
]


@dataclass(frozen=True)
class Link:
    url: str
    label: str
    current: str = ""  # "", "page" or "true": the value of aria-current


@dataclass
class Navigation:
    home_url: str = "/"
    home_current: bool = False
    menu: list[Link] = field(default_factory=list)
    footer: list[Link] = field(default_factory=list)
    news_url: str = ""  # the chosen page that has an RSS feed (the news), if any
    feed_url: str = ""
    _request: object = None
    _privacy_page_id: int | None = None
    _loaded_pages: dict = field(default_factory=dict)

    @cached_property
    def privacy_url(self) -> str:
        """The privacy statement chosen in the settings: no query when it is in the footer."""
        if self._privacy_page_id is None:
            return ""
        page = self._loaded_pages.get(self._privacy_page_id)
        if page is None:
            page = Page.objects.live().filter(pk=self._privacy_page_id).first()
        return page.get_url(self._request) if page is not None else ""


def navigation(request, page=None) -> Navigation:
    """The navigation for this request (computed once per request)."""
    if request is None:
        return Navigation()
    cached = getattr(request, "_navigation", None)
    if cached is not None:
        return cached
    nav = request._navigation = _build(request, page)
    return nav


def _build(request, page) -> Navigation:
    from .models import NavigationLink, SiteSettings

    site = Site.find_for_request(request)
    nav = Navigation()
    if site is None:
        return nav
    settings = SiteSettings.load(request_or_site=request)
    rows = list(
        NavigationLink.objects.filter(Q(menu_of=settings) | Q(footer_of=settings), page__live=True)
        .select_related("page")
        .order_by("sort_order", "pk")
    )
    english = (get_language() or "").startswith("en")
    menu = [(row.page, english and row.label_en or row.label) for row in rows if row.menu_of_id]
    footer = [(row.page, english and row.label_en or row.label) for row in rows if row.footer_of_id]
    if not menu:
        # Nothing chosen yet: the home page's children marked "show in menus".
        menu = [(p, "") for p in Page.objects.child_of(site.root_page).live().in_menu()]

    current = _current_item([p for p, _ in menu], page, site)
    nav.home_current = page is not None and page.pk == site.root_page_id
    nav.menu = [
        Link(
            p.get_url(request),
            label or p.title,
            ("page" if p.pk == page.pk else "true") if p is current else "",
        )
        for p, label in menu
    ]
    nav.footer = [Link(p.get_url(request), label or p.title) for p, label in footer]
    nav._request, nav._privacy_page_id = request, settings.privacy_page_id
    nav._loaded_pages = {p.pk: p for p, _label in menu + footer}
    for p, _label in menu + footer:
        feed = _feed_path(p)
        if feed is not None:
            nav.news_url = p.get_url(request)
            nav.feed_url = nav.news_url + feed
            break
    return nav


def _current_item(pages, page, site):
    if page is None or not getattr(page, "path", None):
        return None
    matches = [
        p
        for p in pages
        if p.pk == page.pk or (p.pk != site.root_page_id and page.path.startswith(p.path))
    ]
    return max(matches, key=lambda p: p.depth, default=None)


def _feed_path(page) -> str | None:
    """The page's 'rss' route, if it is a routable page that has one (no query)."""
    cls = page.specific_class
    if cls is None or not hasattr(cls, "get_resolver"):
        return None
    try:
        return cls.get_resolver().reverse("rss")
    except NoReverseMatch:
        return None


def ensure_default_links():
    """Fill an empty menu and footer from DEFAULT_MENU and DEFAULT_FOOTER, and an empty privacy
    page with /privacy/, for the pages that exist under the home page. Never touches what an
    editor has set."""
    from .models import NavigationLink, SiteSettings

    settings = SiteSettings.load()
    site = Site.objects.filter(is_default_site=True).first() or Site.objects.first()
    if site is None:
        return
    children = {p.slug: p for p in Page.objects.child_of(site.root_page)}
    if settings.privacy_page_id is None and "privacy" in children:
        settings.privacy_page = children["privacy"]
        settings.save(update_fields=["privacy_page"])
    for relation, defaults in (("menu_of", DEFAULT_MENU), ("footer_of", DEFAULT_FOOTER)):
        if NavigationLink.objects.filter(**{relation: settings}).exists():
            continue
        NavigationLink.objects.bulk_create(
            NavigationLink(
                **{relation: settings},
                page=children[slug],
                label=label,
                label_en=label_en,
                sort_order=i,
            )
            for i, (slug, label, label_en) in enumerate(defaults)
            if slug in children
        )
