"""Signing in over plain HTTP as a person does (for the tests of sign-in itself and of what it
unlocks): the login's password step, the setup wizard with the secret read from the page and a
code computed from it. No force_login, no device written into the database."""

import re
from base64 import b32decode, b32encode
from html import unescape
from urllib.parse import parse_qs, urlsplit

from django_otp.oath import totp

PASSWORD = "een-lang-wachtwoord-123"
LOGIN = "/beheer/account/login/"
SETUP = "/beheer/account/two_factor/setup/"
OTPAUTH = re.compile(r'href="(otpauth://[^"]+)"')


def password_step(client, username, password=PASSWORD):
    return client.post(
        LOGIN,
        {"login_view-current_step": "auth", "auth-username": username, "auth-password": password},
    )


def code_step(client, secret, offset=0):
    return client.post(
        LOGIN, {"login_view-current_step": "token", "token-otp_token": code(secret, offset)}
    )


def code(secret, offset=0):
    """The code an authenticator app shows for this base32 secret, `offset` periods of 30 s later."""
    return f"{totp(b32decode(secret), step=30, t0=0, digits=6, drift=offset):06d}"


def secret_of(device):
    """The secret of a device made by the wizard, as the user's app holds it."""
    return b32encode(device.bin_key).decode()


def secret_on(page: str) -> str | None:
    """The secret as a person's authenticator reads it: from the otpauth:// link on the page."""
    match = OTPAUTH.search(page)
    return parse_qs(urlsplit(unescape(match.group(1))).query)["secret"][0] if match else None


def open_setup(client) -> str | None:
    """Walk the setup wizard up to the step that shows the secret and return the secret, or None
    when refused. The library's wizard starts with a 'welcome' step (ours does not) and checked
    "already has a device" on GET only, so when the GET is refused this POSTs, as an attacker would."""
    response = client.get(SETUP)
    if response.status_code != 200:
        response = client.post(SETUP, {"setup_view-current_step": "welcome"})
    for _ in range(3):
        if response.status_code != 200:
            return None
        page = response.content.decode()
        secret = secret_on(page)
        if secret:
            return secret
        step = re.search(r'name="setup_view-current_step" value="([a-z]+)"', page).group(1)
        response = client.post(SETUP, {"setup_view-current_step": step})
    return None


def finish_setup(client, secret):
    return client.post(
        SETUP, {"setup_view-current_step": "generator", "generator-token": code(secret)}
    )


def enrol(client, username, password=PASSWORD) -> str:
    """A first sign-in: the password, then the setup. Returns the secret of the new device."""
    assert password_step(client, username, password).status_code == 302
    secret = open_setup(client)
    assert secret, "the setup must show a secret"
    assert finish_setup(client, secret).status_code == 302
    return secret
