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
    ("zoeken zonder resultaat", "/zoeken/?q=xyzzy"),
    ("zoeken leeg", "/zoeken/?q="),
    ("404", "/bestaat-niet/"),
]


@pytest.mark.browser
@pytest.mark.parametrize("name, path", PAGES, ids=[name for name, _ in PAGES])
def test_page_has_no_axe_violations(site, page, axe, name, path):
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
