"""The main menu on a phone: a compact header with a "Menu" button (a <details>, so it works
without JavaScript) that leads to every section, and marks exactly the section the visitor is in."""

import pytest

SHOTS = "/tmp/shots-menu"


def current_items(page):
    return page.locator('nav[aria-label="Hoofdmenu"] [aria-current]').evaluate_all(
        "els => els.map(e => [e.textContent.trim(), e.getAttribute('aria-current')])"
    )


def header_height(page):
    return page.evaluate("document.querySelector('header').getBoundingClientRect().height")


def menu_link(page, name):
    return page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name=name, exact=True
    )


def walk_to(page, name):
    menu = menu_link(page, name)
    assert not menu.is_visible()  # the menu is closed: the header stays small
    page.locator("summary", has_text="Menu").click()
    menu.click()


@pytest.mark.browser
def test_phone_menu_leads_to_melden_and_vragen(site, page, axe):
    page.goto(site.url + "/")
    assert header_height(page) <= 80  # was 277 px with the menu always open
    assert current_items(page) == [["Home", "page"]]
    walk_to(page, "Melden")
    page.wait_for_url("**/melden/")
    assert page.get_by_role("heading", level=1).inner_text() == "Ik wil iets melden"
    assert current_items(page) == [["Melden", "page"]]
    assert axe(page) == []
    page.locator("summary", has_text="Menu").click()
    page.screenshot(path=f"{SHOTS}/menu-phone-open.png")
    assert axe(page) == []  # the open menu too
    menu_link(page, "Vragen").click()
    page.wait_for_url("**/vragen/")
    assert current_items(page) == [["Vragen", "page"]]
    assert axe(page) == []
    assert page.csp_errors == []
    # Inside a section: the section is marked, as "true" rather than "page".
    page.goto(site.url + "/denktanks/preventie/")
    assert current_items(page) == [["Denktanks", "true"]]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.browser
def test_phone_menu_works_without_javascript(site, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    page.goto(site.url + "/hulp/")
    walk_to(page, "Contact")
    page.wait_for_url("**/contact/")
    assert current_items(page) == [["Contact", "page"]]
    context.close()


@pytest.mark.browser
def test_wide_screen_shows_the_menu_without_a_button(site, browser, axe):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(site.url + "/vragen/")
    assert not page.locator("summary", has_text="Menu").is_visible()
    for name in ("Hulp", "Melden", "Vragen", "Denk mee", "Plan", "Contact"):
        assert menu_link(page, name).is_visible()
    assert current_items(page) == [["Vragen", "page"]]
    assert header_height(page) <= 130
    page.screenshot(path=f"{SHOTS}/menu-desktop.png")
    assert axe(page) == []
    context.close()
