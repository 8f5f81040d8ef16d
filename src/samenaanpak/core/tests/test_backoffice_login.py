"""The back office: two-factor authentication is required, failed logins are slowed down, and
production settings pass `manage.py check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from samenaanpak.tests.factories import UserFactory

PASSWORD = "een-lang-wachtwoord-123"
LOGIN = "/beheer/account/login/"


def password_step(client, username, password=PASSWORD):
    return client.post(
        LOGIN,
        {"login_view-current_step": "auth", "auth-username": username, "auth-password": password},
    )


@pytest.fixture
def staff(db):
    return UserFactory(username="beleid", is_superuser=True, is_staff=True)


@pytest.mark.django_db
def test_wagtail_password_login_redirects_to_two_factor_login(client):
    response = client.get("/beheer/login/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


@pytest.mark.django_db
def test_user_without_device_must_set_one_up_before_anything_else(client, staff):
    response = password_step(client, "beleid")
    assert response.status_code == 302
    for url in ("/beheer/", "/beheer/pages/", "/beheer/users/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("two_factor:setup") + "?next="), url
    assert client.get(reverse("two_factor:setup")).status_code == 200


@pytest.mark.django_db
def test_user_with_device_needs_a_valid_code(client, staff, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = (
        0  # django-otp slows retries after a wrong code; not tested here
    )
    device = TOTPDevice.objects.create(user=staff, name="default", confirmed=True)
    response = password_step(client, "beleid")
    assert response.status_code == 200 and "token-otp_token" in response.content.decode()
    assert client.get("/beheer/").status_code == 302  # not signed in after the password alone

    wrong = client.post(LOGIN, {"login_view-current_step": "token", "token-otp_token": "000000"})
    assert wrong.status_code == 200 and client.get("/beheer/").status_code == 302

    code = (
        f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=0):06d}"
    )
    right = client.post(LOGIN, {"login_view-current_step": "token", "token-otp_token": code})
    assert right.status_code == 302
    assert client.get("/beheer/").status_code == 200


@pytest.mark.django_db
def test_signed_in_but_unverified_session_is_sent_back_to_login(client, staff):
    TOTPDevice.objects.create(user=staff, name="default", confirmed=True)
    client.force_login(staff)  # e.g. a session from before 2FA was switched on
    response = client.get("/beheer/pages/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_repeated_wrong_passwords_lock_the_account_temporarily(client, staff, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = password_step(client, "beleid", "fout-wachtwoord")
        assert response.status_code == 200
    assert (
        password_step(client, "beleid", "fout-wachtwoord").status_code == 429
    )  # the limit is reached
    locked = password_step(client, "beleid")  # now even the right password is refused
    assert locked.status_code == 429
    assert "Te veel mislukte pogingen" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "SAMENAANPAK_ENV": "production",
        "SECRET_KEY": "x" * 20 + "-production-secret-key-that-is-long-enough-1234567890",
        "REPORT_RECEIPT_PEPPER": "a-pepper-that-lives-only-in-the-environment",
        "ALLOWED_HOSTS": "samenaanpak.example.nl",
        "EMAIL_URL": "smtp://127.0.0.1:25",
        "SITE_URL": "https://samenaanpak.example.nl",
        "VAR_DIR": str(tmp_path),
    }
    env["DATABASE_URL"] = f"sqlite:///{tmp_path}/check.sqlite3"
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests in this process only
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=Path(__file__).resolve().parents[4],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def _check_production(tmp_path, **changes) -> subprocess.CompletedProcess:
    """`manage.py check` with valid production settings, changed (None: left out)."""
    env = {
        **os.environ,
        "SAMENAANPAK_ENV": "production",
        "ALLOWED_HOSTS": "x.nl",
        "EMAIL_URL": "smtp://127.0.0.1:25",
        "VAR_DIR": str(tmp_path),
        "SECRET_KEY": "s" * 60,
        "REPORT_RECEIPT_PEPPER": "p" * 40,
        "SITE_URL": "https://x.nl",
        "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3",
        **changes,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=Path(__file__).resolve().parents[4],
        env={name: value for name, value in env.items() if value is not None},
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize(
    "secret", ["SECRET_KEY", "REPORT_RECEIPT_PEPPER", "SITE_URL", "DATABASE_URL"]
)
def test_production_refuses_to_start_without_its_secrets(tmp_path, secret):
    result = _check_production(tmp_path, **{secret: None})
    assert result.returncode != 0 and secret in result.stderr


@pytest.mark.parametrize(
    "secret,value",
    [
        ("SECRET_KEY", "CHANGE-ME-example-secret-key-" + "x" * 40),  # the examples' placeholder
        ("SECRET_KEY", "too-short"),
        ("REPORT_RECEIPT_PEPPER", "change-me"),
    ],
)
def test_production_refuses_placeholder_and_short_secrets(tmp_path, secret, value):
    result = _check_production(tmp_path, **{secret: value})
    assert result.returncode != 0
    assert f"{secret} is a placeholder or shorter than" in result.stderr


def test_development_site_url_follows_the_port(tmp_path):
    # `make run PORT=8123`: mail and robots.txt must not point at port 8000.
    env = {**os.environ, "SAMENAANPAK_ENV": "development", "VAR_DIR": str(tmp_path), "PORT": "8123"}
    env.pop("SITE_URL", None)
    code = (
        "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[4],
        env={**env, "DJANGO_SETTINGS_MODULE": "samenaanpak.settings"},
        capture_output=True,
        text=True,
    )
    assert result.stdout.strip() == "http://127.0.0.1:8123", result.stderr


def _policy(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        assert name not in directives, f"{name} twice"
        directives[name] = sources
    return directives


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/beheer/account/login/", "/", "/melden/"])
def test_content_security_policy_has_no_contradictory_or_doubled_sources(client, meldpunt, url):
    response = client.get(url)
    assert response.status_code == 200
    policy = _policy(response.headers["Content-Security-Policy"])
    for name, sources in policy.items():
        assert len(sources) == len(set(sources)), (name, sources)
        assert "'none'" not in sources or sources == ["'none'"], (name, sources)
    if url.startswith("/beheer/"):
        # The back office may frame itself (page previews), and needs inline scripts without a nonce.
        assert policy["frame-ancestors"] == ["'self'"] and policy["frame-src"] == ["'self'"]
        assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
        assert response["X-Frame-Options"] == "SAMEORIGIN"  # the same as frame-ancestors
    else:
        assert policy["frame-ancestors"] == ["'none'"] and policy["frame-src"] == ["'none'"]
        assert response["X-Frame-Options"] == "DENY"
        assert "'unsafe-inline'" not in str(policy)
