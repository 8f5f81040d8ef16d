"""Every public page renders with the Nijkerk content, in Dutch, with the security headers, and
without a single reference to another origin."""

import re
from html.parser import HTMLParser

import pytest

PUBLIC_URLS = [
    "/",
    "/plan-van-aanpak/",
    "/denktanks/",
    "/denktanks/preventie/",
    "/denktanks/nazorg-familie-en-vrienden/",
    "/denktanks/behandeling/",
    "/denktanks/aanbod/",
    "/nieuws/",
    "/denktanks/preventie/eerste-scholen-doen-mee-aan-voorlichting/",
    "/nieuws/vervolgbijeenkomst-de-denktanks-presenteren-hun-plannen/",
    "/hulp/",
    "/melden/",
    "/vragen/",
    "/denk-mee/",
    "/contact/",
    "/privacy/",
    "/toegankelijkheid/",
    "/zoeken/?q=denktank",
]


class ResourceCollector(HTMLParser):
    """Collects URLs the browser would fetch by itself (not plain <a> links)."""

    FETCHING = {
        "script": "src",
        "img": "src",
        "iframe": "src",
        "frame": "src",
        "embed": "src",
        "source": "src",
        "video": "src",
        "audio": "src",
        "object": "data",
        "link": "href",
    }

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        attr = self.FETCHING.get(tag)
        if attr and attrs.get(attr):
            if tag == "link" and attrs.get("rel") in ("alternate", "canonical"):
                return  # metadata, not fetched by the browser
            self.urls.append(attrs[attr])
        if attrs.get("style") and "url(" in attrs["style"]:
            self.urls.append(attrs["style"])
        if attrs.get("srcset"):
            self.urls.append(attrs["srcset"])


def fetched_resources(html: str) -> list[str]:
    parser = ResourceCollector()
    parser.feed(html)
    inline_css = re.findall(
        r"url\(([^)]+)\)", " ".join(re.findall(r"<style[^>]*>(.*?)</style>", html, re.S))
    )
    return parser.urls + inline_css


@pytest.mark.django_db
@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_page_renders_in_dutch_with_only_our_own_resources(client, examples_made_real, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="nl"' in html
    assert 'href="#inhoud"' in html and 'id="inhoud"' in html  # skip link and its target
    resources = fetched_resources(html)
    assert resources, "a page loads at least our stylesheet"
    for resource in resources:
        assert resource.startswith("/") and not resource.startswith("//"), f"{url} loads {resource}"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/plan-van-aanpak/", "/zoeken/?q=x", "/bestaat-niet/"])
def test_security_headers_on_public_pages(client, nijkerk, url):
    response = client.get(url)
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_home_has_entry_points_crisis_block_and_contacts(client, examples_made_real):
    html = client.get("/").content.decode()
    for title in ("Ik zoek hulp", "Ik wil iets melden", "Ik heb een vraag", "Het plan", "Denk mee"):
        assert title in html
    for href in (
        'href="/hulp/"',
        'href="/melden/"',
        'href="/vragen/"',
        'href="/plan-van-aanpak/"',
        'href="/denk-mee/"',
    ):
        assert href in html
    assert (
        'href="tel:112"' in html and 'href="tel:08000113"' in html and 'href="tel:08000432"' in html
    )
    assert 'href="tel:0612989357"' in html and "Lianne van Egmond" in html
    assert "Laatste nieuws" in html


@pytest.mark.django_db
def test_plan_page_tells_the_story_and_shows_progress(client, examples_made_real):
    html = client.get("/plan-van-aanpak/").content.decode()
    assert "Het gemeentelijk drugsbeleid is een zaak van alle Nijkerkers." in html
    assert "2 juli 2015" in html and "vijfenzeventig" in html and "16 november 2015" in html
    assert html.count('class="utrecht-ordered-list__item"') == 11  # the eleven aims
    assert "<table" in html and "<svg" in html and "<script" not in html
    # Preventie: one example action in progress at 40%, one planned -> mean 20%
    row = re.search(r'href="/denktanks/preventie/">Preventie</a></th>(.*?)</tr>', html, re.S).group(
        1
    )
    cells = re.findall(r">(\d+%?)</td>", row)
    assert cells == ["1", "1", "0", "0", "20%"]


@pytest.mark.django_db
def test_contact_page_shows_policy_officer_and_contact_persons(client, nijkerk):
    html = client.get("/contact/").content.decode()
    assert (
        "Vinita Simonse" in html
        and 'href="mailto:V.Simonse@nijkerk.eu"' in html
        and 'href="tel:14033"' in html
    )
    assert html.count('href="tel:06') == 4
    assert (
        'href="https://www.facebook.com/gemeentenijkerk"' in html
    )  # a plain link, nothing embedded


@pytest.mark.django_db
def test_unknown_url_gives_dutch_404_with_search_and_help_links(client, nijkerk):
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Deze pagina bestaat niet (meer)" in html
    assert 'action="/zoeken/"' in html and 'href="/hulp/"' in html


def test_500_page_is_static_and_dutch():
    from django.template.loader import get_template

    html = get_template("500.html").render({})
    assert (
        "Er ging iets mis" in html
        and "{%" not in html
        and "http" not in html.replace('href="tel:', "")
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query, expected",
    [
        ("", "Vul een zoekwoord in"),
        ("   \t ", "Vul een zoekwoord in"),
        ("denktank " * 1250, "Uw zoekvraag was erg lang"),  # 10,000 characters
        ("\x00\x01drugs\u202e\ufeff", "resultaten voor"),
        ("ｄｅｎｋｔａｎｋ", "resultaten voor"),  # full-width letters fold to "denktank"
        ("🙂🙂🙂", "resultaten voor"),
        ("' OR 1=1 --", "resultaten voor"),
        ("<script>alert(1)</script>", "resultaten voor"),
    ],
)
def test_search_handles_bad_input(client, nijkerk, query, expected):
    response = client.get("/zoeken/", {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    assert expected in html
    assert "<script>alert" not in html


@pytest.mark.django_db
def test_search_finds_think_tank(client, nijkerk):
    html = client.get("/zoeken/", {"q": "Preventie"}).content.decode()
    assert 'href="/denktanks/preventie/"' in html


@pytest.mark.django_db
def test_search_leaves_out_pages_behind_a_view_restriction(client, nijkerk):
    from wagtail.models import Page, PageViewRestriction

    from samenaanpak.help.models import HelpIndexPage

    assert (
        'href="/denktanks/preventie/"'
        in client.get("/zoeken/", {"q": "Preventie"}).content.decode()
    )
    assert "/hulp/aanbod/" in client.get("/zoeken/", {"q": "Jellinek"}).content.decode()
    tanks = Page.objects.get(url_path__endswith="/denktanks/")
    PageViewRestriction.objects.create(page=tanks, restriction_type="password", password="x")
    PageViewRestriction.objects.create(
        page=HelpIndexPage.objects.get(), restriction_type="password", password="x"
    )
    html = client.get("/zoeken/", {"q": "Preventie"}).content.decode()
    assert "/denktanks/preventie/" not in html
    # The offers' links lead into the restricted help directory, so they are left out too.
    assert "/hulp/aanbod/" not in client.get("/zoeken/", {"q": "Jellinek"}).content.decode()


@pytest.mark.django_db
def test_health_reports_database_and_cache(client):
    response = client.get("/gezond/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response.headers["Cache-Control"]


@pytest.mark.django_db
def test_robots_sitemap_and_security_txt(client, nijkerk, settings):
    settings.SITE_URL = "https://samenaanpak.example.nl"
    robots = client.get("/robots.txt").content.decode()
    assert (
        "Disallow: /beheer/" in robots
        and "Sitemap: https://samenaanpak.example.nl/sitemap.xml" in robots
    )
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "/denktanks/preventie/" in sitemap
    security = client.get("/.well-known/security.txt").content.decode()
    assert "Contact: mailto:V.Simonse@nijkerk.eu" in security
    assert "Canonical: https://samenaanpak.example.nl/.well-known/security.txt" in security
    assert re.search(r"^Expires: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", security, re.M)


@pytest.mark.django_db
def test_feeds_list_updates(client, examples_made_real):
    rss = client.get("/nieuws/rss/")
    assert rss.status_code == 200 and rss["Content-Type"].startswith("application/rss+xml")
    assert "Eerste scholen doen mee aan voorlichting" in rss.content.decode()
    atom = client.get("/nieuws/atom/")
    assert atom["Content-Type"].startswith("application/atom+xml")
    assert "<entry>" in atom.content.decode()


@pytest.mark.django_db
def test_language_switch_sets_cookie_and_stays_on_site(client, nijkerk):
    response = client.get("/taal/en/", {"next": "/plan-van-aanpak/"})
    assert response.status_code == 302 and response["Location"] == "/plan-van-aanpak/"
    english = client.get("/plan-van-aanpak/").content.decode()
    assert english.count('<html lang="en"') == 1
    assert "Skip to content" in english and "How far along are we?" in english
    evil = client.get("/taal/en/", {"next": "https://evil.example/"})
    assert evil["Location"] == "/"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/plan-van-aanpak/", "/denktanks/preventie/", "/nieuws/"])
def test_public_pages_stay_within_query_budget(
    client, nijkerk, django_assert_max_num_queries, settings, url
):
    # Production keeps its cache in Redis; the database-table cache of development would count here.
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    client.get(url)  # warm Wagtail's per-site caches as a running server has them
    with django_assert_max_num_queries(15):
        assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_browser_language_does_not_switch_the_site_to_english(client, examples_made_real):
    html = client.get(
        "/denktanks/preventie/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"
    ).content.decode()
    assert '<html lang="nl"' in html and "januari 2016" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "current"),
    [
        ("/", [("Home", "page")]),
        ("/denktanks/", [("Denktanks", "page")]),
        ("/denktanks/preventie/", [("Denktanks", "true")]),
        ("/plan-van-aanpak/", [("Plan", "page")]),
        ("/melden/", [("Melden", "page")]),
        ("/melden/cijfers/", [("Melden", "page")]),
        ("/vragen/veelgestelde-vragen/", [("Vragen", "page")]),
        ("/privacy/", []),
    ],
)
def test_the_menu_marks_only_the_section_the_visitor_is_in(client, nijkerk, url, current):
    """Every menu item carried aria-current on every page but home: screen readers heard four current pages."""
    nav = client.get(url).content.decode().split('aria-label="Hoofdmenu"')[1].split("</nav>")[0]
    marked = re.findall(
        r'<a class="sa-nav__link" href="[^"]*" aria-current="(\w+)">([^<]+)</a>', nav
    )
    assert [(title, value) for value, title in marked] == current


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query, kind, href",
    [
        # The policy officer's name lives in the site settings and shows on the contact page.
        ("Simonse", "Pagina", 'href="/contact/"'),
        ("Jellinek", "Hulpaanbod", 'href="/hulp/aanbod/'),
        ("113", "Hulpaanbod", 'href="/hulp/aanbod/'),
        ("Trimbos", "Hulpaanbod", 'href="/hulp/aanbod/'),
        # The words people use for drugs lead to the drugs information line.
        ("cannabis", "Hulpaanbod", 'href="/hulp/aanbod/'),
        ("wiet", "Hulpaanbod", 'href="/hulp/aanbod/'),
        ("vijfenzeventig", "Veelgestelde vraag", 'href="/vragen/veelgestelde-vragen/#vraag-'),
        # Only in the home page's "voor wie is deze site".
        ("Nijkerkerveen", "Pagina", 'href="/">Samen aanpakken'),
    ],
)
def test_search_finds_bodies_offers_and_faq(client, nijkerk, query, kind, href):
    html = client.get("/zoeken/", {"q": query}).content.decode()
    assert " 0 resultaten" not in html
    assert kind in html and href in html


@pytest.mark.django_db
def test_search_offer_link_opens_the_offer(client, nijkerk):
    html = client.get("/zoeken/", {"q": "Jellinek"}).content.decode()
    url = re.search(r'href="(/hulp/aanbod/\d+/)">Jellinek Adviespunt<', html).group(1)
    assert "Jellinek Adviespunt" in client.get(url).content.decode()


@pytest.mark.django_db
def test_search_skips_hidden_offers_and_unpublished_faq(client, nijkerk):
    from samenaanpak.help.models import HelpOffer
    from samenaanpak.questions.models import FaqEntry

    HelpOffer.objects.filter(name="Jellinek Adviespunt").update(active=False)
    FaqEntry.objects.update(published=False)
    assert "Jellinek Adviespunt" not in client.get("/zoeken/", {"q": "Jellinek"}).content.decode()
    assert "#vraag-" not in client.get("/zoeken/", {"q": "vijfenzeventig"}).content.decode()


@pytest.mark.django_db
def test_search_query_count_does_not_grow_with_hits(
    client, nijkerk, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from samenaanpak.help.models import HelpOffer
    from samenaanpak.questions.models import FaqEntry

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/zoeken/", {"q": "zoekproef drugs"}).status_code == 200
        return len(queries)

    count()  # the first request after loading fills Wagtail's cache of site root paths
    before = count()
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(15):
            HelpOffer.objects.create(
                name=f"Zoekproef {i}", description="Zoekproef", kind=HelpOffer.Kind.WEBSITE
            )
            FaqEntry.objects.create(question=f"Zoekproef {i}?", answer="Zoekproef", published=True)
    html = client.get("/zoeken/", {"q": "zoekproef drugs"}).content.decode()
    assert "Zoekproef 3" in html or "pagina=2" in html
    assert count() == before
