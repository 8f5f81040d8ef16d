"""A resident on a phone: sign-up with errors, sign-up, the code from the mail (a real SMTP server
on loopback), the account page, download my data, delete my account. axe on every screen, and
screenshots to look at (/tmp/shots-accounts/)."""

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

SHOTS = Path("/tmp/shots-accounts")
PASSWORD = "een-lang-wachtwoord-123"


def shot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def latest_code(smtp):
    message = smtp.inbox.messages[-1]
    return re.search(r"\b(\d{6})\b", message.get_payload(decode=True).decode()).group(1)


@pytest.mark.browser
def test_sign_up_by_code_then_account_download_and_delete(site, page, axe, smtp):
    page.goto(site.url + "/")
    page.locator("summary", has_text="Menu").click()  # on a phone the link is in the menu
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Inloggen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")
    shot(page, "01-login")
    assert axe(page) == []
    page.get_by_role("link", name="Maak een account aan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Account aanmaken")
    assert axe(page) == []

    page.get_by_label("E-mailadres").fill("anna@")
    page.get_by_label("Schermnaam").fill("Anna uit Nijkerk")
    page.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_label("Wachtwoord (nog een keer)").fill("iets-anders-1234")
    page.get_by_role("button", name="Account aanmaken").click()
    summary = page.locator(".sa-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    assert page.title().startswith("Fout:")
    expect(page.get_by_label("Schermnaam")).to_have_value("Anna uit Nijkerk")  # nothing lost
    shot(page, "02-signup-errors")
    assert axe(page) == []

    page.get_by_label("E-mailadres").fill("anna@example.org")
    page.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_label("Wachtwoord (nog een keer)").fill(PASSWORD)
    page.get_by_role("button", name="Account aanmaken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bevestig uw e-mailadres")
    shot(page, "03-code")
    assert axe(page) == []

    expect(page.get_by_label("Code")).to_have_attribute("inputmode", "numeric")
    page.get_by_label("Code").fill(latest_code(smtp))
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn account")
    expect(page.locator(".sa-nav__account")).to_have_text("Mijn account")
    shot(page, "04-account")
    assert axe(page) == []

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download mijn gegevens").click()
    data = json.loads(Path(download_info.value.path()).read_text())
    assert data["accounts"]["schermnaam"] == "Anna uit Nijkerk"

    page.get_by_role("link", name="Mijn account verwijderen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bevestig dat u het bent")
    shot(page, "05-confirm")
    assert axe(page) == []
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn account verwijderen")
    shot(page, "06-delete")
    assert axe(page) == []
    page.get_by_role("button", name="Verwijder mijn account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uw account is verwijderd")
    expect(page.locator(".sa-nav__account")).to_have_text("Inloggen")
    shot(page, "07-deleted")
    assert axe(page) == []
    assert page.csp_errors == []


@pytest.mark.browser
def test_other_account_pages_pass_axe(site, page, axe):
    for path in (
        "/account/inloggen/code/",
        "/account/wachtwoord-vergeten/",
    ):
        page.goto(site.url + path)
        assert page.locator("html").get_attribute("lang") == "nl"
        assert axe(page) == [], path
    page.goto(site.url + "/account/inloggen/code/")
    page.get_by_label("E-mailadres").fill("niemand@example.org")
    page.get_by_role("button", name="Stuur mij een code").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vul uw inlogcode in")
    shot(page, "08-login-code")
    assert axe(page) == []
    page.goto(site.url + "/account/wachtwoord-vergeten/")
    page.get_by_role("button").last.click()
    shot(page, "09-reset-error")
    assert axe(page) == []
    assert page.csp_errors == []


@pytest.mark.browser
def test_signed_in_manage_pages_pass_axe(site, page, axe):
    from samenaanpak.accounts.tests.conftest import make_resident

    resident = make_resident()
    page.goto(site.url + "/account/inloggen/")
    page.get_by_label("E-mailadres").fill(resident.email)
    page.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn account")
    for name, path in (
        ("10-password", "/account/wachtwoord/"),
        ("11-email", "/account/e-mailadres/"),
    ):
        page.goto(site.url + path)
        assert page.title() and "Fout:" not in page.title()
        shot(page, name)
        assert axe(page) == [], path
    page.goto(site.url + "/account/")
    page.get_by_label("Schermnaam").fill("a@b")
    page.get_by_role("button", name="Schermnaam opslaan").click()
    expect(page).to_have_title(re.compile(r"^Fout:"))
    expect(page.locator(".sa-error-summary")).to_be_focused()
    shot(page, "12-display-name-error")
    assert axe(page) == []
    assert page.csp_errors == []
