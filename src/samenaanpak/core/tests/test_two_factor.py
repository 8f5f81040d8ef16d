"""Two-factor sign-in over plain HTTP, the way an attacker who knows only a password would try it:
every request goes through the real forms (no force_login, no device written into the database),
and every device is made by the real setup wizard with a code computed from the secret on the page.

The rules (docs/architecture.md, "Two-factor sign-in"): a signed-in session has entered a code,
or it is signed out; a user without a device may set one up after the password and reach nothing
else; a user with a device can never add another one."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from samenaanpak.tests.factories import UserFactory
from samenaanpak.tests.two_factor import (
    LOGIN,
    PASSWORD,
    SETUP,
    code_step,
    enrol,
    finish_setup,
    open_setup,
    password_step,
    secret_of,
    secret_on,
)


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


@pytest.fixture(autouse=True)
def no_otp_throttle(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


@pytest.fixture
def victim(db):
    """A staff member who enrolled through the real wizard, in a browser the attacker never sees."""
    user = UserFactory(username="beleid", is_superuser=True, is_staff=True)
    enrol(Client(), "beleid")
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1
    return user


@pytest.mark.django_db
def test_wagtails_front_end_login_signs_nobody_in(client, victim):
    response = client.post("/_util/login/", {"username": "beleid", "password": PASSWORD})
    assert signed_in_user_id(client) is None
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    response = client.get("/_util/login/?next=/beheer/pages/")
    assert response.status_code == 302 and response["Location"] == LOGIN + "?next=/beheer/pages/"
    response = client.post("/beheer/login/", {"username": "beleid", "password": PASSWORD})
    assert signed_in_user_id(client) is None
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def attack_with_password(client):
    """Every password-only way in that a fresh clone offered."""
    client.post("/_util/login/", {"username": "beleid", "password": PASSWORD})
    client.post("/beheer/login/", {"username": "beleid", "password": PASSWORD})
    password_step(client, "beleid")


@pytest.mark.django_db
def test_the_password_alone_cannot_add_a_second_device(client, victim):
    attack_with_password(client)
    secret = open_setup(client)
    if secret:
        finish_setup(client, secret)
    assert TOTPDevice.objects.filter(user=victim).count() == 1
    assert client.get("/beheer/").status_code == 302
    assert client.get("/beheer/meldpunt/").status_code == 302


@pytest.mark.django_db
def test_the_password_alone_cannot_change_email_or_password(client, victim):
    attack_with_password(client)
    client.post(
        "/beheer/account/",
        {
            "name_email-first_name": "Aanvaller",
            "name_email-last_name": "X",
            "name_email-email": "aanvaller@example.org",
            "locale-preferred_language": "nl",
            "locale-current_time_zone": "Europe/Amsterdam",
            "theme-theme": "system",
            "theme-density": "default",
            "theme-contrast": "system",
            "theme-keyboard_shortcuts": "on",
            "password-old_password": PASSWORD,
            "password-new_password1": "van-de-aanvaller-2026",
            "password-new_password2": "van-de-aanvaller-2026",
        },
    )
    victim.refresh_from_db()
    assert victim.email == "beleid@example.org"
    assert victim.check_password(PASSWORD)


@pytest.mark.django_db
def test_a_user_without_a_device_may_only_set_one_up(client):
    user = UserFactory(username="nieuw", is_superuser=True, is_staff=True)
    password_step(client, "nieuw")
    assert signed_in_user_id(client) == str(user.pk)
    for url in (
        "/beheer/",
        "/beheer/pages/",
        "/beheer/account/",
        "/beheer/account/two_factor/",
        "/beheer/account/two_factor/backup/tokens/",
        "/beheer/password_reset/",
        "/beheer/meldpunt/",
        "/",
        "/vragen/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(SETUP), url
    response = client.post("/beheer/account/", {"name_email-email": "ander@example.org"})
    assert response.status_code == 302 and response["Location"] == SETUP
    user.refresh_from_db()
    assert user.email == "nieuw@example.org"
    # What the setup page itself loads in the background is not sent to the setup.
    for name in ("wagtailadmin_sprite", "wagtailadmin_javascript_catalog", "two_factor:setup"):
        assert client.get(reverse(name)).status_code == 200, name
    secret = open_setup(client)
    assert client.get(reverse("two_factor:qr")).status_code == 200
    assert finish_setup(client, secret).status_code == 302
    assert client.get("/beheer/").status_code == 200


@pytest.mark.django_db
def test_a_setup_finished_elsewhere_signs_out_the_password_only_session(client):
    user = UserFactory(username="nieuw", is_superuser=True, is_staff=True)
    other = Client()
    password_step(client, "nieuw")
    first_secret = open_setup(client)  # this browser stays at the setup page
    password_step(other, "nieuw")
    assert finish_setup(other, open_setup(other)).status_code == 302

    # Now the user has a device: the first session has not entered a code and is signed out.
    response = finish_setup(client, first_secret)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert signed_in_user_id(client) is None
    assert TOTPDevice.objects.filter(user=user).count() == 1


@pytest.mark.django_db
def test_a_password_only_session_on_a_public_page_is_signed_out(client):
    user = UserFactory(username="nieuw", is_superuser=True, is_staff=True)
    password_step(client, "nieuw")
    other = Client()
    password_step(other, "nieuw")
    finish_setup(other, open_setup(other))
    assert TOTPDevice.objects.filter(user=user).count() == 1
    client.get("/zoeken/")
    assert signed_in_user_id(client) is None


@pytest.mark.django_db
def test_a_verified_user_cannot_add_a_device_either(client, victim):
    password_step(client, "beleid")
    code_step(client, secret_of(TOTPDevice.objects.get(user=victim)), offset=1)
    assert client.get("/beheer/").status_code == 200  # verified with the code

    assert client.get(SETUP).status_code == 302
    # The library checked "already has a device" on GET only; a POST went on to show a new secret.
    response = client.post(SETUP, {"setup_view-current_step": "welcome"})
    new_secret = secret_on(response.content.decode())
    if new_secret:
        finish_setup(client, new_secret)
    assert response.status_code == 302 and new_secret is None
    assert TOTPDevice.objects.filter(user=victim).count() == 1


@pytest.mark.django_db
def test_exempt_paths_are_exact(client):
    """`/beheer/account/login/` being open must not open `/beheer/account/` (Wagtail's account
    page, where the email address and password are changed)."""
    UserFactory(username="nieuw", is_superuser=True, is_staff=True)
    password_step(client, "nieuw")
    for url in (
        "/beheer/account/",
        "/beheer/account/two_factor/disable/",
        "/beheer/sprite/x/",
        "/beheer/account/two_factor/setup/complete/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(SETUP), url


@pytest.mark.django_db
def test_a_wrong_code_is_explained_in_dutch(client, victim):
    password_step(client, "beleid")
    response = client.post(LOGIN, {"login_view-current_step": "token", "token-otp_token": "000000"})
    page = response.content.decode()
    assert (
        response.status_code == 200
        and "Deze code klopt niet" in page
        and "Invalid token" not in page
    )
    assert 'for="id_token-otp_token"' in page and "Code uit uw app" in page
    assert signed_in_user_id(client) is None


@pytest.mark.django_db
def test_a_password_reset_signs_nobody_in_and_the_code_is_still_asked(client, victim):
    """Wagtail's 'forgotten password' is the other way to a password; it changes only that."""
    from samenaanpak.core.models import OutgoingEmail

    client.post(reverse("wagtailadmin_password_reset"), {"email": "beleid@example.org"})
    body = OutgoingEmail.objects.get(purpose="wachtwoord-herstel").body  # through the outbox
    link = re.search(r"https?://[^/\s]+(/beheer/password_reset/confirm/\S+)", body).group(1)
    form_url = client.get(link)["Location"]
    response = client.post(
        form_url,
        {
            "new_password1": "een-ander-wachtwoord-2026",
            "new_password2": "een-ander-wachtwoord-2026",
        },
    )
    assert response.status_code == 302 and signed_in_user_id(client) is None
    response = password_step(client, "beleid", "een-ander-wachtwoord-2026")
    assert response.status_code == 200 and "token-otp_token" in response.content.decode()
    assert signed_in_user_id(client) is None
    assert TOTPDevice.objects.filter(user=victim).count() == 1


@pytest.mark.django_db
def test_replacing_the_app_needs_a_session_that_entered_the_current_code(client, victim):
    attack_with_password(client)
    client.post(reverse("two_factor:disable"), {"understand": "on"})
    assert TOTPDevice.objects.filter(user=victim).count() == 1

    password_step(client, "beleid")
    code_step(client, secret_of(TOTPDevice.objects.get(user=victim)), offset=1)
    client.post(reverse("two_factor:disable"), {"understand": "on"})
    assert not TOTPDevice.objects.filter(user=victim).exists()
    response = client.get("/beheer/")
    assert response.status_code == 302 and response["Location"].startswith(SETUP)
    finish_setup(client, open_setup(client))
    assert TOTPDevice.objects.filter(user=victim).count() == 1
    assert client.get("/beheer/").status_code == 200


@pytest.mark.django_db
def test_after_setup_the_user_is_offered_backup_codes_and_can_make_them(client):
    """For a lost phone: the setup's last screen links to the backup codes, which a verified session makes."""
    UserFactory(username="nieuw", is_staff=True)  # the back office signs in staff only
    enrol(client, "nieuw")
    complete = client.get(reverse("two_factor:setup_complete")).content.decode()
    assert reverse("two_factor:backup_tokens") in complete and "Reservecodes maken" in complete
    response = client.post(reverse("two_factor:backup_tokens"), follow=True)
    assert response.status_code == 200
    from django_otp.plugins.otp_static.models import StaticToken

    assert StaticToken.objects.filter(device__user__username="nieuw").count() >= 5


@pytest.mark.django_db
def test_the_app_lists_the_site_by_name_not_by_host(client, settings):
    """Review fix: the authenticator app showed '127.0.0.1:8731: naam'."""
    from samenaanpak.tests.two_factor import password_step

    settings.OTP_TOTP_ISSUER = "Samenaanpak Voorbeeldstad"
    UserFactory(username="nieuw", is_staff=True)  # the back office signs in staff only
    password_step(client, "nieuw")
    html = client.get(reverse("two_factor:setup")).content.decode()
    assert "issuer=Samenaanpak+Voorbeeldstad" in html and "127.0.0.1" not in html
