import re

import pytest
from django.core.management import call_command

from .factories import PASSWORD, public_account


@pytest.fixture(autouse=True)
def no_fill_wait(settings):
    settings.FORM_MIN_FILL_SECONDS = 0


def run_worker():
    """The task worker, as `manage.py worker` runs it, until the queue is empty."""
    call_command(
        "worker", "--batch", "--no-startup-delay", "--interval", "0", stdout=open("/dev/null", "w")
    )


def code_in(message) -> str:
    """The six-digit code in a mail."""
    body = message.get_payload(decode=True).decode() if not message.is_multipart() else ""
    return re.search(r"\b(\d{6})\b", body).group(1)


def started(client, url) -> str:
    """The form's start token, as the browser gets it with the page (the public-form kit)."""
    html = client.get(url).content.decode()
    return re.search(r'name="started" value="([^"]+)"', html).group(1)


def sign_up(client, email="anna@example.org", display_name="Anna uit Nijkerk", **extra):
    url = "/account/aanmelden/"
    data = {
        "email": email,
        "display_name": display_name,
        "password1": PASSWORD,
        "password2": PASSWORD,
        "website": "",
        "started": started(client, url),
        **extra,
    }
    return client.post(url, data)


def make_resident(email="bert@example.org", display_name="Bert"):
    return public_account(display_name, email=email)


def log_in(client, email, password=PASSWORD):
    return client.post("/account/inloggen/", {"login": email, "password": password})


@pytest.fixture
def resident(db):
    return make_resident()
