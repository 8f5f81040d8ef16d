"""Signing in to the back office in a browser the way a person does: the password, then the setup
of an authenticator app (the secret read from the page, as a person types it over) or a code
from that app. Nothing is written into the database behind the browser's back."""

from base64 import b32decode

from django_otp.oath import totp
from playwright.sync_api import expect

PASSWORD = "een-lang-wachtwoord-123"


def code_for(secret: str, offset: int = 0) -> str:
    """What an authenticator app shows for this secret now (`offset` periods of 30 s later)."""
    return f"{totp(b32decode(secret), step=30, t0=0, digits=6, drift=offset):06d}"


def password_step(page, username, password=PASSWORD):
    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Volgende").click()


def read_secret(page) -> str:
    """The key under "typ deze sleutel over", as shown (in groups of four)."""
    return "".join(page.locator(".sa-2fa__secret").inner_text().split())


def link_app(page) -> str:
    """On the setup page: read the secret, type the app's code, submit. Returns the secret."""
    expect(page.get_by_role("heading", name="Koppel een app aan uw account")).to_be_visible()
    page.wait_for_load_state("networkidle")  # Wagtail's background requests (icons, translations)
    secret = read_secret(page)
    page.get_by_label("Code uit uw app").fill(code_for(secret))
    page.get_by_role("button", name="App koppelen").click()
    expect(page.get_by_text("Uw app is gekoppeld")).to_be_visible()
    return secret


def enrol(page, url, username, password=PASSWORD) -> str:
    """A first sign-in: open `url`, give the password, link an app. Returns the app's secret."""
    page.goto(url)
    password_step(page, username, password)
    return link_app(page)


def code_step(page, secret, offset=0):
    page.get_by_label("Code uit uw app").fill(code_for(secret, offset))
    page.get_by_role("button", name="Inloggen").click()


def sign_out(page):
    """Through the account menu at the foot of Wagtail's sidebar (folded away on a phone)."""
    account = page.locator(".sidebar-footer__account")
    if not account.is_visible():
        page.get_by_role("button", name="Toon/verberg zijbalk").click()
    account.click()
    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()
