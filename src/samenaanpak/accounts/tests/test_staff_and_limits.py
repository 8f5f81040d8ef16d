"""Staff accounts never get in through the public account pages, on any way in; the limits on
everything that mails or guesses."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from samenaanpak.core.models import OutgoingEmail

from .conftest import PASSWORD, log_in, make_resident, sign_up

User = get_user_model()


@pytest.fixture(params=["is_staff", "group"])
def staff(request, db):
    user = User.objects.create_user(
        username="medewerker", email="medewerker@example.org", password=PASSWORD
    )
    if request.param == "is_staff":
        user.is_staff = True
        user.save()
    else:
        user.groups.add(Group.objects.create(name="Denktank Preventie"))
    return user


def assert_only_the_staff_mail(to):
    [mail] = OutgoingEmail.objects.all()
    assert mail.to == to and mail.purpose == "account"
    assert "/beheer/" in mail.body
    assert not re.search(r"\b\d{6}\b", mail.body)  # no code
    assert "wachtwoord-vergeten/nieuw" not in mail.body  # no reset link


@pytest.mark.django_db
def test_staff_password_on_the_public_login_signs_nothing_in(client, staff):
    response = log_in(client, staff.email)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Medewerkers loggen in via het beheer" in page and "/beheer/" in page
    assert "_auth_user_id" not in client.session
    assert not any(key.startswith("reports.") for key in client.session.keys())  # no meldpunt key
    assert client.get("/account/").status_code == 302


@pytest.mark.django_db
def test_staff_get_no_sign_in_code_only_the_advice_by_mail(client, staff):
    response = client.post("/account/inloggen/code/", {"email": staff.email})
    assert response.status_code == 302  # as for any address: nobody learns who is staff
    assert_only_the_staff_mail(staff.email)
    # no code is waiting in the session either: every guess fails, and nothing signs in
    response = client.post("/account/inloggen/code/invullen/", {"code": "123456"})
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_staff_get_no_reset_link_only_the_advice_by_mail(client, staff):
    response = client.post("/account/wachtwoord-vergeten/", {"email": staff.email})
    assert response.status_code == 302
    assert_only_the_staff_mail(staff.email)


@pytest.mark.django_db
def test_sign_up_with_a_staff_address_makes_no_account(client, staff):
    response = sign_up(client, email=staff.email.upper(), display_name="Nieuw")
    assert response.status_code == 302
    assert User.objects.count() == 1
    assert_only_the_staff_mail(staff.email.upper().lower())


@pytest.mark.django_db
def test_a_signed_in_resident_browses_freely_and_stays_out_of_the_back_office(client, nijkerk):
    resident = make_resident()
    assert log_in(client, resident.email).status_code == 302
    for path in ("/", "/hulp/", "/vragen/", "/account/"):
        assert client.get(path).status_code == 200, path  # no two-factor setup in between
    response = client.get("/beheer/")
    assert response.status_code == 302 and "/beheer/account/login/" in response["Location"]
    assert client.get("/account/").status_code == 200  # still signed in


@pytest.mark.django_db
@pytest.mark.parametrize("login_name", ["email", "username"])
def test_a_public_account_does_not_sign_in_at_the_back_office(client, login_name):
    """The reverse of the staff refusal: the back office's login is for staff only. Before, a
    sign-up whose address was never verified signed in there (by address, through allauth's
    backend) and so got round the public sign-in's mandatory verification."""
    from allauth.account.models import EmailAddress

    from samenaanpak.tests.two_factor import password_step

    resident = make_resident()
    EmailAddress.objects.filter(user=resident).update(verified=False)
    response = password_step(client, getattr(resident, login_name))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Dit is geen account voor het beheer" in page and "/account/inloggen/" in page
    assert "_auth_user_id" not in client.session
    assert client.get("/account/").status_code == 302  # to the public sign-in


@pytest.mark.django_db
def test_a_public_session_gets_no_two_factor_setup_nor_a_back_office_reset_mail(client):
    resident = make_resident()
    assert log_in(client, resident.email).status_code == 302
    response = client.get("/beheer/account/two_factor/setup/")
    assert response.status_code == 302 and response["Location"] == "/account/"
    assert not TOTPDevice.objects.exists()
    response = Client().post("/beheer/password_reset/", {"email": resident.email})
    assert response.status_code == 302  # the same page as for any address
    assert not OutgoingEmail.objects.exists()  # no back-office link, no internal user name


@pytest.mark.django_db
def test_sign_in_code_requests_are_limited_per_address(client, settings):
    settings.ACCOUNT_CODE_ADDRESS_HOURLY_LIMIT = 3
    for _ in range(3):
        assert client.post("/account/inloggen/code/", {"email": "x@example.org"}).status_code == 302
        client.cookies.clear()  # a new visitor each time, the same address
    response = client.post("/account/inloggen/code/", {"email": "X@example.org"})
    assert response.status_code == 429
    assert "al een paar keer een e-mail aangevraagd" in response.content.decode()
    assert OutgoingEmail.objects.count() == 3


@pytest.mark.django_db
def test_sign_in_code_requests_are_limited_per_client(client, settings):
    settings.ACCOUNT_CODE_CLIENT_HOURLY_LIMIT = 2
    for n in range(2):
        client.post("/account/inloggen/code/", {"email": f"p{n}@example.org"})
        client.cookies.clear()
    response = client.post("/account/inloggen/code/", {"email": "p9@example.org"})
    assert "al een paar keer een e-mail aangevraagd" in response.content.decode()
    other = client.post(
        "/account/inloggen/code/", {"email": "p9@example.org"}, REMOTE_ADDR="192.0.2.7"
    )
    assert other.status_code == 302  # another client is not affected


@pytest.mark.django_db
def test_password_resets_are_limited_per_address_and_per_client(client, settings):
    settings.ACCOUNT_RESET_ADDRESS_HOURLY_LIMIT = 2
    settings.ACCOUNT_RESET_CLIENT_HOURLY_LIMIT = 3
    resident = make_resident()
    for _ in range(2):
        assert (
            client.post("/account/wachtwoord-vergeten/", {"email": resident.email}).status_code
            == 302
        )
    response = client.post("/account/wachtwoord-vergeten/", {"email": resident.email})
    assert response.status_code == 429 and "al een paar keer" in response.content.decode()
    response = client.post("/account/wachtwoord-vergeten/", {"email": "ander@example.org"})
    assert "al een paar keer" in response.content.decode()  # 4th from this client
    assert OutgoingEmail.objects.filter(to=resident.email).count() == 2


@pytest.mark.django_db
def test_sign_ups_are_limited_per_client(client, settings):
    settings.ACCOUNT_SIGNUP_CLIENT_HOURLY_LIMIT = 2
    for n in range(2):
        assert sign_up(client, email=f"n{n}@example.org", display_name=f"N{n}").status_code == 302
        client.cookies.clear()
    response = sign_up(client, email="n9@example.org", display_name="N9")
    assert response.status_code == 429
    assert "al veel accounts aangemaakt" in response.content.decode()
    assert User.objects.count() == 2


@pytest.mark.django_db
def test_no_address_gets_more_than_the_hourly_account_mails(client, settings):
    settings.ACCOUNT_MAIL_ADDRESS_HOURLY_LIMIT = 2
    settings.ACCOUNT_CODE_ADDRESS_HOURLY_LIMIT = 10
    for _ in range(4):
        client.post("/account/inloggen/code/", {"email": "veel@example.org"})
        client.cookies.clear()
    assert OutgoingEmail.objects.filter(to="veel@example.org").count() == 2


@pytest.mark.django_db
def test_account_mails_to_all_addresses_together_stop_at_the_hourly_cap(client, settings):
    settings.ACCOUNT_MAIL_HOURLY_CAP = 3
    for number in range(5):
        client.post("/account/inloggen/code/", {"email": f"bot{number}@example.org"})
        client.cookies.clear()
    assert OutgoingEmail.objects.count() == 3


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_client_with_the_dutch_429_page(client):
    resident = make_resident()
    for _ in range(5):
        response = log_in(client, resident.email, "verkeerd-wachtwoord-1")
        assert response.status_code in (400, 429)  # a wrong password; then the lockout
    response = log_in(client, resident.email)  # even the right password, for 15 minutes
    assert response.status_code == 429
    page = response.content.decode()
    assert "Te veel mislukte pogingen" in page
    # the site's own page (not the back office's), pointing to the sign-in by mailed code
    assert 'class="sa-theme"' in page and "wagtailadmin" not in page
    assert "/account/inloggen/code/" in page
    assert "no-cache" in response["Cache-Control"]
    assert "_auth_user_id" not in client.session
    other = client.post(
        "/account/inloggen/",
        {"login": resident.email, "password": PASSWORD},
        REMOTE_ADDR="192.0.2.8",
    )
    assert other.status_code == 302  # per client, not per account: nobody locks Bert out
