"""Sign-up, verification and sign-in over plain HTTP with the real forms, and the mail through the
outbox, the worker and a real SMTP server on loopback."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from samenaanpak.accounts.models import Profile
from samenaanpak.core.models import OutgoingEmail

from .conftest import PASSWORD, code_in, log_in, run_worker, sign_up, started

User = get_user_model()


def signed_in_as(client):
    return client.session.get("_auth_user_id")


@pytest.mark.django_db(transaction=True)
def test_sign_up_mails_a_code_through_the_outbox_then_sign_in_by_code(client, smtp, db_tasks):
    response = sign_up(client)
    assert response.status_code == 302
    assert response["Location"] == "/account/e-mailadres/code/"
    user = User.objects.get(email="anna@example.org")
    assert Profile.objects.get(user=user).display_name == "Anna uit Nijkerk"
    assert "anna" not in user.username  # the user name is not made from the address
    assert signed_in_as(client) is None  # not before the address is confirmed

    [queued] = OutgoingEmail.objects.all()
    assert queued.purpose == "account" and smtp.inbox.messages == []  # nothing sent in the request
    run_worker()
    [mail] = smtp.inbox.messages
    assert mail["To"] == "anna@example.org"
    assert "List-Unsubscribe" not in mail and "Precedence" not in mail  # a service mail
    code = code_in(mail)

    page = client.get("/account/e-mailadres/code/").content.decode()
    assert "Bevestig uw e-mailadres" in page
    response = client.post("/account/e-mailadres/code/", {"code": code})
    assert response.status_code == 302 and response["Location"] == "/account/"
    assert signed_in_as(client) == str(user.pk)
    assert EmailAddress.objects.get(user=user).verified

    client.post("/account/uitloggen/")
    assert signed_in_as(client) is None
    response = client.post("/account/inloggen/code/", {"email": "anna@example.org"})
    assert (
        response.status_code == 302 and response["Location"] == "/account/inloggen/code/invullen/"
    )
    run_worker()
    code = code_in(smtp.inbox.messages[-1])
    assert "Vul uw inlogcode in" in client.get(response["Location"]).content.decode()
    response = client.post("/account/inloggen/code/invullen/", {"code": "000000"})
    assert response.status_code == 400 and "Fout:" in response.content.decode()
    assert "Deze code klopt niet of is verlopen" in response.content.decode()
    response = client.post("/account/inloggen/code/invullen/", {"code": code})
    assert response.status_code == 302 and signed_in_as(client) == str(user.pk)
    page = client.get("/account/").content.decode()
    assert "Anna uit Nijkerk" in page


@pytest.mark.django_db
def test_sign_up_errors_keep_what_was_typed_and_say_it_in_dutch(client, resident):
    response = sign_up(
        client, email="anna@", display_name="bert", password2="iets-anders-dan-eerst"
    )
    page = response.content.decode()
    assert response.status_code == 400  # a form with errors, as every form on the site
    assert re.search(r"<title>\s*Fout:", page)
    assert 'class="utrecht-alert utrecht-alert--error sa-error-summary"' in page
    assert "Deze schermnaam is al in gebruik" in page  # "bert" = "Bert", case ignored
    assert 'value="anna@"' in page and 'value="bert"' in page
    assert User.objects.count() == 1

    response = sign_up(client, email="anna@example.org", display_name="anna@example.org")
    assert "Een schermnaam mag geen e-mailadres zijn" in response.content.decode()


@pytest.mark.django_db
def test_empty_account_forms_say_which_field_is_missing_in_the_summary(client):
    """Found by walking the site on a phone: an empty sign-up listed "Dit is een verplicht
    veld." three times in the error summary, without saying which fields."""
    response = client.post(
        "/account/aanmelden/", {"started": started(client, "/account/aanmelden/")}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Dit is een verplicht veld" not in page
    for message in ("Vul uw e-mailadres in.", "Vul een schermnaam in.", "Kies een wachtwoord."):
        assert message in page
    assert "Vul het wachtwoord nog een keer in." in page
    for url, messages in (
        ("/account/inloggen/", ("Vul uw e-mailadres in.", "Vul uw wachtwoord in.")),
        ("/account/inloggen/code/", ("Vul uw e-mailadres in.",)),
        ("/account/wachtwoord-vergeten/", ("Vul uw e-mailadres in.",)),
    ):
        response = client.post(url, {})
        page = response.content.decode()
        assert response.status_code == 400, url
        assert "Dit is een verplicht veld" not in page, url
        assert all(message in page for message in messages), url


@pytest.mark.django_db
def test_empty_forms_of_a_signed_in_resident_say_what_is_missing(client, resident):
    """Found by walking "delete my account": the password check before it said only "Dit is
    een verplicht veld." in the error summary."""
    log_in(client, resident.email)
    for url, messages in (
        ("/account/bevestigen/", ("Vul uw wachtwoord in.",)),
        (
            "/account/wachtwoord/",
            ("Vul uw huidige wachtwoord in.", "Kies een nieuw wachtwoord."),
        ),
    ):
        response = client.post(url, {})
        page = response.content.decode()
        assert response.status_code == 400, url
        assert "Dit is een verplicht veld" not in page, url
        assert all(message in page for message in messages), url


@pytest.mark.django_db
def test_a_bot_that_fills_in_the_honeypot_sees_the_next_page_and_nothing_is_stored(client):
    response = sign_up(client, website="http://spam.example")
    assert response.status_code == 302
    assert not User.objects.exists() and not OutgoingEmail.objects.exists()


@pytest.mark.django_db
def test_sign_up_without_the_start_token_asks_to_send_again(client):
    response = client.post(
        "/account/aanmelden/",
        {
            "email": "anna@example.org",
            "display_name": "Anna",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert "Er is nog niets verstuurd" in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_sign_up_with_a_known_address_creates_nothing_and_tells_the_owner_by_mail(client, resident):
    response = sign_up(client, email=resident.email, display_name="Iemand anders")
    assert response.status_code == 302  # the same next page as a new address: no enumeration
    assert User.objects.count() == 1
    [mail] = OutgoingEmail.objects.all()
    assert mail.to == resident.email and "al een account" in mail.subject


@pytest.mark.django_db
def test_password_login_and_a_wrong_password(client, resident):
    response = log_in(client, resident.email, "fout-wachtwoord-1234")
    assert response.status_code == 400 and signed_in_as(client) is None
    page = response.content.decode()
    assert "Het e-mailadres of het wachtwoord klopt niet" in page  # formal: "u", never "jou"
    assert " jou " not in page
    unknown = log_in(client, "niemand@example.org", "fout-wachtwoord-1234")
    assert "Het e-mailadres of het wachtwoord klopt niet" in unknown.content.decode()
    assert "Fout:" in response.content.decode()
    response = log_in(client, resident.email)
    assert response.status_code == 302 and response["Location"] == "/account/"
    assert signed_in_as(client) == str(resident.pk)


@pytest.mark.django_db(transaction=True)
def test_password_reset_by_mailed_link(client, smtp, db_tasks):
    from .conftest import make_resident

    resident = make_resident()
    response = client.post("/account/wachtwoord-vergeten/", {"email": resident.email})
    assert response.status_code == 302
    run_worker()
    [mail] = smtp.inbox.messages
    body = mail.get_payload(decode=True).decode()
    link = re.search(r"http://\S+/account/wachtwoord-vergeten/nieuw/\S+/", body).group(0)
    path = link.split("8000", 1)[-1] if "8000" in link else re.sub(r"^http://[^/]+", "", link)
    response = client.get(path)  # allauth moves the key into the session and redirects
    response = client.get(response["Location"]) if response.status_code == 302 else response
    assert "Fout:" not in response.content.decode()
    new = "een-nieuw-lang-wachtwoord-456"
    response = client.post(response.wsgi_request.path, {"password1": new, "password2": new})
    assert response.status_code == 302
    assert log_in(client, resident.email, new).status_code == 302
    assert signed_in_as(client) == str(resident.pk)


@pytest.mark.django_db
def test_every_exposed_page_answers_in_dutch(client, resident):
    pages = {
        "/account/aanmelden/": "Account aanmaken",
        "/account/inloggen/": "Inloggen",
        "/account/inloggen/code/": "Inloggen met een code",
        "/account/wachtwoord-vergeten/": "Wachtwoord",
    }
    for path, heading in pages.items():
        page = client.get(path).content.decode()
        assert heading in page, path
        assert '<html lang="nl"' in page
    log_in(client, resident.email)
    for path, heading in {
        "/account/": "Mijn account",
        "/account/wachtwoord/": "Wachtwoord",
        "/account/e-mailadres/": "E-mailadres",
    }.items():
        response = client.get(path)
        assert response.status_code == 200, path
        assert heading in response.content.decode(), path
