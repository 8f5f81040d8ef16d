"""axe-core on every kind of public page, on a phone-sized screen: no violations, no CSP errors,
and no request to another origin."""

import pytest

PAGES = [
    ("home", "/"),
    ("plan", "/plan-van-aanpak/"),
    ("denktanks", "/denktanks/"),
    ("denktank preventie", "/denktanks/preventie/"),
    ("denktank nazorg", "/denktanks/nazorg-familie-en-vrienden/"),
    ("denktank behandeling", "/denktanks/behandeling/"),
    ("denktank aanbod", "/denktanks/aanbod/"),
    ("nieuws", "/nieuws/"),
    ("nieuwsbericht", "/denktanks/preventie/eerste-scholen-doen-mee-aan-voorlichting/"),
    ("contact", "/contact/"),
    ("privacy", "/privacy/"),
    ("toegankelijkheid", "/toegankelijkheid/"),
    ("hulp", "/hulp/"),
    ("hulp gefilterd", "/hulp/?voor=ouders&hoe=telefoon&anoniem=on"),
    ("hulp gefilterd zonder resultaat", "/hulp/?voor=professionals&gebied=hoevelaken"),
    ("hulp online", "/hulp/online/"),
    ("hulpaanbod", "/hulp/aanbod/{offer}/"),
    ("zoekresultaten", "/zoeken/?q=denktank"),
    ("zoekresultaten hulp en vragen", "/zoeken/?q=Jellinek+vijfenzeventig"),
    ("zoeken zonder resultaat", "/zoeken/?q=xyzzy"),
    ("zoeken leeg", "/zoeken/?q="),
    ("404", "/bestaat-niet/"),
]


@pytest.mark.browser
@pytest.mark.parametrize("name, path", PAGES, ids=[name for name, _ in PAGES])
def test_page_has_no_axe_violations(site_examples_made_real, page, axe, name, path):
    site = site_examples_made_real
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    if "{offer}" in path:
        from samenaanpak.help.models import HelpOffer

        path = path.format(offer=HelpOffer.objects.get(name="Drugs Infolijn").pk)
    response = page.goto(site.url + path)
    assert response.status == (404 if name == "404" else 200)
    violations = axe(page)
    assert violations == [], f"{name}: {violations}"
    assert page.csp_errors == []
    assert [url for url in requests if not url.startswith(site.url)] == []


@pytest.mark.browser
def test_keyboard_user_reaches_content_with_skip_link(site, page):
    page.goto(site.url + "/plan-van-aanpak/")
    page.keyboard.press("Tab")
    skip = page.locator("a.utrecht-skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.is_visible()  # visible when focused
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#inhoud"


@pytest.mark.browser
def test_search_finds_a_help_offer_and_opens_it(site, page, axe):
    """On a phone: search for an organisation's name, see that the hit is a help offer, open it."""
    page.goto(site.url + "/zoeken/")
    page.get_by_label("Waar zoekt u naar?").fill("Jellinek")
    page.get_by_role("button", name="Zoek").click()
    hit = page.locator(".sa-list__item", has=page.get_by_role("link", name="Jellinek Adviespunt"))
    assert hit.locator(".sa-search__kind").inner_text() == "Hulpaanbod"
    assert axe(page) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    hit.get_by_role("link", name="Jellinek Adviespunt").click()
    page.wait_for_url("**/hulp/aanbod/*/")
    assert page.get_by_role("heading", level=1).inner_text() == "Jellinek Adviespunt"
