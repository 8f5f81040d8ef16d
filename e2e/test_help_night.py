"""On a phone at night: a worried parent and a young person walk from the home page to help."""

import datetime

import pytest
from playwright.sync_api import expect

SHOTS = "/tmp/shots-help10"
SCREEN_HEIGHT = 844


@pytest.fixture
def tuesday_night(monkeypatch):
    """23:30 on a Tuesday in Nijkerk for the help pages (the live server runs in this process)."""
    from django.utils import timezone

    moment = datetime.datetime(2026, 12, 1, 22, 30, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


@pytest.mark.browser
def test_worried_parent_at_night_sees_results_hours_and_advice_first(
    site, page, axe, tuesday_night
):
    page.goto(site.url + "/")
    page.get_by_role("link", name="Ik zoek hulp").first.click()
    page.get_by_role("link", name="mijn kind").click()
    assert "voor=ouders" in page.url

    first = page.locator(".sa-offer").first
    expect(first).to_be_visible()
    page.screenshot(path=f"{SHOTS}/parent-first-screen.png")
    name = first.locator("h3").bounding_box()
    assert name["y"] + name["height"] < SCREEN_HEIGHT, (
        "the first result's name is on the first screen"
    )
    crisis = page.locator(".sa-crisis")
    assert (
        crisis.bounding_box()["y"] < first.bounding_box()["y"]
    )  # the crisis numbers still above the results
    guide = page.get_by_role("region", name="Wat u nu al kunt doen:")
    expect(guide).to_contain_text("bel 112")
    expect(guide).to_contain_text("113")

    infolijn = page.locator(".sa-offer", has_text="Drugs Infolijn")
    expect(infolijn).to_contain_text("nu gesloten")
    expect(infolijn).to_contain_text("ma t/m vr 9:00–17:00")
    expect(infolijn).to_contain_text("Weer open: morgen 9:00")
    expect(page.locator(".sa-offer", has_text="113 Zelfmoordpreventie")).to_contain_text(
        "Dag en nacht bereikbaar"
    )
    page.screenshot(path=f"{SHOTS}/parent-full.png", full_page=True)

    # The filters are one tap away and still narrow the list down.
    page.locator(".sa-filters summary").click()
    expect(page.get_by_label("Ouders")).to_be_checked()
    page.get_by_label("Bellen").check()
    page.screenshot(path=f"{SHOTS}/parent-filters-open.png")
    page.get_by_role("button", name="Toon hulp").click()
    assert "hoe=telefoon" in page.url
    expect(page.locator(".sa-filters summary")).to_contain_text("(2 gekozen)")
    assert axe(page) == []
    assert page.csp_errors == []


@pytest.mark.browser
def test_young_person_is_addressed_with_je_and_can_leave_quickly(site, page, axe):
    page.route(
        "https://www.buienradar.nl/**",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html",
            body="<!doctype html><title>Weer</title><p>Buienradar</p>",
        ),
    )
    page.goto(site.url + "/")
    page.get_by_role("link", name="Ik zoek hulp").first.click()
    directory = page.url
    page.get_by_role("link", name="mijzelf").click()
    assert "voor=jongeren" in page.url
    expect(page.locator("main")).to_contain_text("Hier vind je hulp")
    expect(page.locator("main")).not_to_contain_text("Hier vindt u hulp")
    expect(page.locator("main")).to_contain_text("privévenster")
    quick_exit = page.get_by_role("link", name="Snel weg")
    expect(quick_exit).to_be_visible()
    assert quick_exit.bounding_box()["y"] < 300  # right below the site header, before the content
    assert axe(page) == []
    page.screenshot(path=f"{SHOTS}/young-first-screen.png")

    # Scrolled down, the button stays in reach.
    page.mouse.wheel(0, 1500)
    page.wait_for_timeout(200)
    assert 0 <= quick_exit.bounding_box()["y"] < 100
    page.screenshot(path=f"{SHOTS}/young-scrolled.png")

    # Escape leaves at once; Back does not bring the young person's page back.
    page.keyboard.press("Escape")
    page.wait_for_url("https://www.buienradar.nl/")
    page.go_back()
    assert page.url == directory and "jongeren" not in page.url

    # The button itself does the same, and it is a plain link without JavaScript.
    page.goto(site.url + "/hulp/?voor=jongeren")
    page.get_by_role("link", name="Snel weg").click()
    page.wait_for_url("https://www.buienradar.nl/")
    page.go_back()
    assert "jongeren" not in page.url
    assert page.csp_errors == []


@pytest.mark.browser
def test_quick_exit_works_without_javascript(site, browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.route("https://www.buienradar.nl/**", lambda route: route.fulfill(status=200, body="weer"))
    page.goto(site.url + "/hulp/?voor=ouders")
    page.get_by_role("link", name="Snel weg").click()
    page.wait_for_url("https://www.buienradar.nl/")
    context.close()


@pytest.mark.browser
def test_filters_stand_open_beside_the_results_on_a_wide_screen(site, browser):
    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(site.url + "/hulp/?voor=ouders")
    expect(page.get_by_label("Bellen")).to_be_visible()  # help-filters.js unfolded them
    filters, results = (
        page.locator(".sa-filters").bounding_box(),
        page.locator(".sa-results").bounding_box(),
    )
    assert filters["x"] + filters["width"] <= results["x"]
    page.screenshot(path=f"{SHOTS}/wide.png")
    context.close()
