"""ADMIN_PATH is the one place the back office's address is set: with another value the back office,
its relaxed CSP, the two-factor rules, the meldpunt key's cookie and robots.txt all move along, and
nothing answers at /beheer/ any more."""

import importlib
import os
import subprocess
import sys

import pytest
from django.test import Client
from django.urls import clear_url_caches, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from samenaanpak.reports import keyring
from samenaanpak.tests.factories import UserFactory
from samenaanpak.tests.two_factor import PASSWORD, code, secret_on

ELSEWHERE = "/intern/bureau/"


def _reload_urls():
    import samenaanpak.urls

    importlib.reload(samenaanpak.urls)
    clear_url_caches()


@pytest.fixture
def admin_elsewhere(settings):
    original = settings.ADMIN_PATH
    settings.ADMIN_PATH = ELSEWHERE
    _reload_urls()
    yield
    settings.ADMIN_PATH = original
    _reload_urls()


@pytest.fixture(autouse=True)
def no_otp_throttle(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def password_step(client, username):
    return client.post(
        reverse("two_factor:login"),
        {"login_view-current_step": "auth", "auth-username": username, "auth-password": PASSWORD},
    )


def test_the_environment_sets_the_path_and_the_urls_follow():
    """Read from the environment as in production, in a fresh interpreter."""
    script = (
        "import django; django.setup()\n"
        "from django.conf import settings; from django.urls import reverse\n"
        "print(settings.ADMIN_PATH, reverse('wagtailadmin_home'), reverse('two_factor:login'))\n"
    )
    env = {
        **os.environ,
        "ADMIN_PATH": "intern/bureau",
        "DJANGO_SETTINGS_MODULE": "samenaanpak.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == [ELSEWHERE, ELSEWHERE, ELSEWHERE + "account/login/"]
    bad = subprocess.run(
        [sys.executable, "-c", script], env={**env, "ADMIN_PATH": "../x"}, capture_output=True
    )
    assert bad.returncode != 0 and b"ADMIN_PATH" in bad.stderr


@pytest.mark.django_db
def test_the_back_office_and_its_csp_move_to_admin_path(client, nijkerk, admin_elsewhere):
    response = client.get(ELSEWHERE)
    assert response.status_code == 302
    assert response["Location"].startswith(ELSEWHERE + "account/login/")
    login = client.get(ELSEWHERE + "account/login/")
    assert login.status_code == 200
    assert "'unsafe-inline'" in login["Content-Security-Policy"]
    assert login["X-Frame-Options"] == "SAMEORIGIN"
    # The old address is an ordinary (missing) public page now, with the strict policy.
    old = client.get("/beheer/")
    assert old.status_code == 404
    assert "'unsafe-inline'" not in old["Content-Security-Policy"]
    assert client.get("/beheer/login/").status_code == 404
    assert client.get(ELSEWHERE + "login/")["Location"].startswith(ELSEWHERE + "account/login/")
    home = client.get("/")
    assert "'unsafe-inline'" not in home["Content-Security-Policy"]
    assert f"Disallow: {ELSEWHERE}" in client.get("/robots.txt").content.decode()


@pytest.mark.django_db
def test_two_factor_rules_and_the_key_cookie_follow_admin_path(admin_elsewhere):
    UserFactory(username="beleid", is_superuser=True, is_staff=True)
    client = Client()
    assert password_step(client, "beleid").status_code == 302
    # Without a device: only the setup, at the new address.
    setup = reverse("two_factor:setup")
    assert setup == ELSEWHERE + "account/two_factor/setup/"
    response = client.get(ELSEWHERE + "pages/")
    assert response.status_code == 302 and response["Location"].startswith(setup + "?next=")
    response = client.get(setup)
    secret = secret_on(response.content.decode())
    assert secret
    client.post(setup, {"setup_view-current_step": "generator", "generator-token": code(secret)})
    assert TOTPDevice.objects.filter(user__username="beleid", confirmed=True).exists()
    assert client.get(ELSEWHERE).status_code == 200
    # With a device and only the password: signed out and sent to the login at the new address.
    other = Client()
    password_step(other, "beleid")
    response = other.get(ELSEWHERE + "pages/")
    assert response.status_code == 302
    assert response["Location"].startswith(ELSEWHERE + "account/login/")
    assert keyring.cookie_settings()["path"] == ELSEWHERE
