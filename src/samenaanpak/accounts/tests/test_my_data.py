"""The account page, download my data and delete my account, across every app's
`personal_data` module (a fake app's module stands in for those not merged yet)."""

import json
import types

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session

from samenaanpak.accounts import personal_data
from samenaanpak.accounts.identity import shown_name
from samenaanpak.accounts.models import Profile
from samenaanpak.core.models import OutgoingEmail

from .conftest import PASSWORD, log_in, make_resident

User = get_user_model()


@pytest.fixture
def fake_app(monkeypatch):
    """An app with contributions of its own: `export` lists the user's, `erase` keeps them with
    the author removed (as participation's SET_NULL keys do), `account_sections` adds a section."""
    contributions = []  # (author id or None, text)
    module = types.SimpleNamespace(
        export=lambda user: {
            "bijdragen": [text for author, text in contributions if author == user.pk]
        },
        erase=lambda user: contributions.__setitem__(
            slice(None),
            [(None if author == user.pk else author, text) for author, text in contributions],
        ),
        account_sections=lambda user: [
            {
                "title": "Mijn bijdragen",
                "template": "accounts/tests/fake_section.html",
                "context": {"count": sum(1 for a, _ in contributions if a == user.pk)},
            }
        ],
    )
    real = personal_data._modules
    monkeypatch.setattr(personal_data, "_modules", lambda: [*real(), ("fake", module)])
    return contributions


@pytest.mark.django_db
def test_the_account_page_shows_every_apps_section_and_never_the_email_to_others(client, fake_app):
    bert = make_resident()
    fake_app += [(bert.pk, "Meer jongerenwerk")]
    log_in(client, bert.email)
    page = client.get("/account/").content.decode()
    assert "Mijn gegevens" in page and "Bert" in page and bert.email in page
    assert "Mijn bijdragen" in page and "1 bijdrage(n)" in page
    assert "Download mijn gegevens" in page and "Mijn account verwijderen" in page


@pytest.mark.django_db
def test_display_name_can_be_changed_but_not_to_one_in_use(client):
    bert = make_resident()
    make_resident("carla@example.org", "Carla")
    log_in(client, bert.email)
    response = client.post("/account/schermnaam/", {"display_name": " CARLA "})
    assert (
        response.status_code == 400  # a form with errors, as everywhere on the site
        and "Deze schermnaam is al in gebruik" in response.content.decode()
    )
    assert "Fout:" in response.content.decode()
    response = client.post("/account/schermnaam/", {"display_name": "Bert B."})
    assert response.status_code == 302
    assert Profile.objects.get(user=bert).display_name == "Bert B."
    response = client.post(
        "/account/schermnaam/", {"display_name": "bert b."}
    )  # own name, other case
    assert response.status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, error",
    [
        ("\u200b\u200b", "Vul een schermnaam in."),  # invisible
        ("\ufeff \u2060", "Vul een schermnaam in."),
        ("Carla\u200b", "Deze schermnaam is al in gebruik"),  # someone else's, disguised
        ("\u202ealraC", "Deze schermnaam is al in gebruik"),  # a direction override
    ],
)
def test_a_changed_display_name_cannot_be_invisible_or_a_disguised_copy(client, name, error):
    """Found by attacking the account page: sign-up cleaned the name (the form kit), changing
    it later did not, so a name could be invisible or another person's with a zero-width space."""
    bert = make_resident()
    make_resident("carla@example.org", "Carla")
    make_resident("alrac@example.org", "alraC")
    log_in(client, bert.email)
    response = client.post("/account/schermnaam/", {"display_name": name})
    assert response.status_code == 400 and error in response.content.decode()
    assert Profile.objects.get(user=bert).display_name == "Bert"


@pytest.mark.django_db
def test_a_display_name_sent_after_the_session_ran_out_ends_on_the_account_page(client):
    """Found by walking the site: the login's `next` is the form's POST-only address, so after
    signing in the browser showed an empty 405 page."""
    bert = make_resident()
    response = client.post("/account/schermnaam/", {"display_name": "Bert B."})
    assert response.status_code == 302 and "/account/inloggen/" in response["Location"]
    next_url = response["Location"].split("next=")[1].replace("%2F", "/")
    assert next_url == "/account/schermnaam/"
    log_in(client, bert.email)
    response = client.get(next_url)  # where the login sends the browser
    assert response.status_code == 302
    assert response["Location"] == "/account/#mijn-gegevens"
    assert client.get(response["Location"]).status_code == 200
    assert client.put(next_url).status_code == 405


@pytest.mark.django_db
def test_download_contains_everything_about_me_and_nothing_about_others(client, fake_app):
    bert = make_resident()
    carla = make_resident("carla@example.org", "Carla")
    fake_app += [(bert.pk, "Idee van Bert"), (carla.pk, "Idee van Carla")]
    log_in(client, bert.email)
    response = client.get("/account/mijn-gegevens/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="mijn-gegevens-')
    text = response.content.decode()
    data = json.loads(text)
    assert data["accounts"]["schermnaam"] == "Bert"
    assert data["accounts"]["e-mailadressen"] == [
        {"adres": "bert@example.org", "bevestigd": True, "primair": True}
    ]
    assert data["fake"] == {"bijdragen": ["Idee van Bert"]}
    assert "Carla" not in text and "carla@" not in text
    assert bert.password not in text and "md5$" not in text and "password" not in text.lower()


@pytest.mark.django_db
def test_download_and_delete_need_a_public_account(client):
    for path in ("/account/", "/account/mijn-gegevens/", "/account/verwijderen/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith(
            "/account/inloggen/?next="
        ), path


@pytest.mark.django_db
def test_delete_my_account_after_the_password_keeps_contributions_and_erases_the_rest(
    client, fake_app
):
    from samenaanpak.notifications.models import Subscriber

    bert = make_resident()
    carla = make_resident("carla@example.org", "Carla")
    Subscriber.objects.create(user=bert)
    fake_app += [(bert.pk, "Idee van Bert"), (carla.pk, "Idee van Carla")]
    other_device = type(client)()
    log_in(other_device, bert.email)
    log_in(client, bert.email)
    OutgoingEmail.objects.create(to=bert.email, subject="x", body="y", purpose="account")

    response = client.get("/account/verwijderen/")  # first: is it really you?
    assert response.status_code == 302 and response["Location"].startswith("/account/bevestigen/")
    assert User.objects.filter(pk=bert.pk).exists()
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response.status_code == 302
    page = client.get("/account/verwijderen/")
    assert page.status_code == 200 and "Verwijder mijn account" in page.content.decode()
    assert User.objects.filter(pk=bert.pk).exists()  # a GET deletes nothing

    response = client.post("/account/verwijderen/")
    assert response.status_code == 302 and response["Location"] == "/account/verwijderd/"
    assert "Uw account is verwijderd" in client.get(response["Location"]).content.decode()
    assert not User.objects.filter(pk=bert.pk).exists()
    assert not Profile.objects.filter(display_name="Bert").exists()
    assert not EmailAddress.objects.filter(email=bert.email).exists()
    assert not Subscriber.objects.filter(user_id=bert.pk).exists()
    assert not OutgoingEmail.objects.filter(to=bert.email).exists()
    assert "_auth_user_id" not in client.session
    assert other_device.get("/account/").status_code == 302  # signed out everywhere
    assert all(s.get_decoded().get("_auth_user_id") != str(bert.pk) for s in Session.objects.all())
    assert fake_app == [(None, "Idee van Bert"), (carla.pk, "Idee van Carla")]
    assert shown_name(None) == "verwijderd account"
    assert User.objects.filter(pk=carla.pk).exists() and carla.profile.display_name == "Carla"


@pytest.mark.django_db
def test_delete_my_account_confirmed_with_a_mailed_code(client):
    import re

    bert = make_resident()
    log_in(client, bert.email)
    response = client.get("/account/verwijderen/")
    page = client.get(response["Location"]).content.decode()
    assert "Liever op een andere manier?" in page
    response = client.post(
        "/account/bevestigen/code/?next=/account/verwijderen/", {"recipient": bert.email}
    )
    assert response.status_code == 302
    code = re.search(r"\b(\d{6})\b", OutgoingEmail.objects.get(to=bert.email).body).group(1)
    response = client.post(response["Location"], {"code": code})
    assert response.status_code == 302 and response["Location"] == "/account/verwijderen/"
    client.post("/account/verwijderen/")
    assert not User.objects.filter(pk=bert.pk).exists()
