"""The back office in a real browser with JavaScript on: a new staff member links an authenticator
app through the real setup screens (the secret read from the page), signs out, signs in again with
password and code; a think-tank member moves an action forward and the public page shows it."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from samenaanpak.plan.models import Action
from samenaanpak.tests.factories import UserFactory

from .two_factor import code_for, code_step, enrol, password_step, read_secret, sign_out

SHOTS = Path("/tmp/shots-2fa")
VIEWPORTS = {"telefoon": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
# What the library's screens said: English terms, its own jargon, and "je" where we say "u".
NOT_OUR_WORDS = re.compile(
    r"API-token|\bToken\b|TOTP|Secret|wizard|\b(je|jij|jouw)\b", re.IGNORECASE
)


def _check_screen(page, axe, name):
    """Screenshot (looked at by a person while writing this), axe, our words, nothing too wide."""
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    assert axe(page) == [], name
    text = page.locator("body").inner_text()
    assert not NOT_OUR_WORDS.findall(text), (name, text)
    assert page.get_by_role("heading", level=1).count() == 1, name  # the card is on the page once
    too_wide = page.evaluate("""() => [document.documentElement, ...document.querySelectorAll('main *')]
        .filter(e => e.scrollWidth > e.clientWidth + 1 || e.getBoundingClientRect().right > innerWidth + 1)
        .filter(e => getComputedStyle(e).overflowX !== 'auto')
        .map(e => e.tagName + '.' + e.className)""")
    assert too_wide == [], (name, too_wide)


@pytest.mark.browser
@pytest.mark.parametrize("screen", VIEWPORTS)
def test_new_staff_member_links_an_app_and_signs_in_with_it(site, browser, axe, screen):
    UserFactory(username="nieuw-lid").groups.add(Group.objects.get(name="Denktank Preventie"))
    context = browser.new_context(locale="nl-NL", viewport=VIEWPORTS[screen])
    page = context.new_page()
    sent_to_setup = []  # requests other than the page itself that were answered with the setup
    page.on(
        "response",
        lambda r: (
            sent_to_setup.append(r.url)
            if "/two_factor/setup/" in (r.headers.get("location") or "")
            and r.request.resource_type != "document"
            else None
        ),
    )

    page.goto(site.url + "/beheer/")
    _check_screen(page, axe, f"{screen}-1-inloggen")
    password_step(page, "nieuw-lid")
    expect(page.get_by_role("heading", name="Koppel een app aan uw account")).to_be_visible()
    page.wait_for_load_state(
        "networkidle"
    )  # the icons and translations Wagtail fetches after loading
    _check_screen(page, axe, f"{screen}-2-koppelen")
    assert sent_to_setup == []
    secret = read_secret(page)
    assert len(secret) == 32

    # A code typed wrong: a clear message, and the same secret (the app already holds it).
    page.get_by_label("Code uit uw app").fill("123 456")
    page.get_by_role("button", name="App koppelen").click()
    expect(page.get_by_text("Deze code klopt niet")).to_be_visible()
    page.wait_for_load_state("networkidle")
    _check_screen(page, axe, f"{screen}-3-koppelen-fout")
    assert read_secret(page) == secret
    assert page.get_by_label("Code uit uw app").input_value() == "123 456"  # nothing typed is lost

    page.get_by_label("Code uit uw app").fill(code_for(secret))
    page.get_by_role("button", name="App koppelen").click()
    page.wait_for_url(site.url + "/beheer/")
    expect(page.get_by_text("Uw app is gekoppeld")).to_be_visible()
    assert sent_to_setup == []

    sign_out(page)
    _check_screen(page, axe, f"{screen}-4-uitgelogd")
    password_step(page, "nieuw-lid")
    expect(page.get_by_label("Code uit uw app")).to_be_visible()
    _check_screen(page, axe, f"{screen}-5-code")
    page.get_by_label("Code uit uw app").fill("000000")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("alert")).to_contain_text("Deze code klopt niet")
    _check_screen(page, axe, f"{screen}-6-code-fout")
    page.wait_for_timeout(1500)  # django-otp refuses any code for a second after a wrong one
    code_step(page, secret)
    page.wait_for_url(site.url + "/beheer/")
    expect(page.get_by_role("heading", name="Samenaanpak")).to_be_visible()
    context.close()


@pytest.mark.browser
def test_think_tank_member_updates_action_after_two_factor_login(site_examples_made_real, page):
    site = site_examples_made_real
    UserFactory(username="lid-preventie").groups.add(Group.objects.get(name="Denktank Preventie"))
    action = Action.objects.get(title="Weerbaarheidstraining bij sportverenigingen")  # gepland

    # The first sign-in links the app and goes on to the page that was asked for.
    enrol(page, f"{site.url}/beheer/acties/edit/{action.pk}/", "lid-preventie")
    page.wait_for_url(f"{site.url}/beheer/acties/edit/{action.pk}/")
    # First a step the table does not allow: from "gepland" straight to "afgerond".
    page.locator("#id_new_status").select_option("afgerond")
    page.locator("#id_new_progress").fill("100")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("kan een actie niet naar")).to_be_visible()
    assert action.events.count() == 1

    page.locator("#id_new_status").select_option("in_uitvoering")
    page.locator("#id_new_progress").fill("25")
    page.locator("#id_note").fill("Eerste club doet mee")
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_url(f"{site.url}/beheer/acties/")
    assert action.events.count() == 2

    page.goto(site.url + "/denktanks/preventie/")
    card = page.locator(".sa-action", has_text="Weerbaarheidstraining bij sportverenigingen")
    assert "In uitvoering" in card.inner_text() and "25% klaar" in card.inner_text()
