"""A handler's meldpunt key is unwrapped with the password, which comes before the code from the
authenticator app. It must open nothing until the session has entered that code, and never for
another user who finishes signing in with the same browser. Everything over real HTTP: the
login's forms and the setup wizard, no force_login, no device written into the database."""

import pytest
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import Client, RequestFactory
from django.urls import reverse
from django_otp.middleware import OTPMiddleware
from django_otp.plugins.otp_totp.models import TOTPDevice

from samenaanpak.reports import keyring
from samenaanpak.reports.demo import DEMO_HANDLER, DEMO_PASSWORD
from samenaanpak.reports.models import Report
from samenaanpak.tests.factories import UserFactory
from samenaanpak.tests.two_factor import code_step, enrol, password_step

from .helpers import handler, submit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_otp_throttle(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


@pytest.fixture
def report(meldpunt):
    submit(Client(), description="Dealen bij de skatebaan")
    return Report.objects.get()


def report_url(report):
    return reverse("reports_admin:report", args=[report.pk])


def as_the_server_sees(client):
    """The request this browser's next request would be, as far as the keyring is concerned:
    its cookies, its session, its user, and django_otp's verdict on that user."""
    request = RequestFactory().get("/beheer/meldpunt/")
    request.COOKIES.update({name: morsel.value for name, morsel in client.cookies.items()})
    SessionMiddleware(lambda r: None).process_request(request)
    AuthenticationMiddleware(lambda r: None).process_request(request)
    return OTPMiddleware(lambda r: r)(request)


def test_first_sign_in_links_the_app_and_then_the_key_opens_the_report(client, report):
    enrol(client, DEMO_HANDLER, DEMO_PASSWORD)
    # No unlock page: the key from the password step became usable when the code was entered.
    assert "skatebaan" in client.get(report_url(report)).content.decode()


def test_after_the_password_step_alone_nothing_decrypts(client, report):
    secret = enrol(Client(), DEMO_HANDLER, DEMO_PASSWORD)

    assert password_step(client, DEMO_HANDLER, DEMO_PASSWORD).status_code == 200  # now the code
    assert keyring.SESSION_KEY in client.session  # the key was unwrapped with the password ...
    assert keyring.member_private_key(as_the_server_sees(client)) is None  # ... and opens nothing
    response = client.get(report_url(report))
    assert response.status_code == 302 and b"skatebaan" not in response.content

    code_step(client, secret, offset=1)
    assert keyring.member_private_key(as_the_server_sees(client)) is not None
    assert "skatebaan" in client.get(report_url(report)).content.decode()


def test_a_key_left_by_a_password_step_is_not_handed_to_the_next_user(client, report):
    """The handler types the password and walks away; a colleague signs in in the same browser."""
    enrol(Client(), DEMO_HANDLER, DEMO_PASSWORD)
    colleague = UserFactory(username="collega", is_superuser=True)
    colleague_secret = enrol(Client(), "collega")

    password_step(client, DEMO_HANDLER, DEMO_PASSWORD)  # the handler's key is now in this session
    client.post(reverse("two_factor:login"), {"wizard_goto_step": "auth"})
    password_step(client, "collega")
    code_step(client, colleague_secret, offset=1)
    request = as_the_server_sees(client)
    assert request.user == colleague and request.user.is_verified()
    assert keyring.member_private_key(request) is None


def test_before_the_first_setup_the_password_alone_holds_no_usable_key(client, report):
    """A handler without a device is signed in after the password (to set up the app), with the
    key unwrapped, and still reaches no report and no key."""
    password_step(client, DEMO_HANDLER, DEMO_PASSWORD)
    request = as_the_server_sees(client)
    assert request.user == handler() and not request.user.is_verified()
    assert keyring.SESSION_KEY in client.session
    assert keyring.member_private_key(request) is None
    for url in (report_url(report), reverse("reports_admin:unlock")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(
            reverse("two_factor:setup")
        ), url
    response = client.post(reverse("reports_admin:unlock"), {"password": DEMO_PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("two_factor:setup")
    )
    assert not TOTPDevice.objects.filter(user=handler()).exists()
