import time

import pytest
from django.test import Client

from samenaanpak.core.models import OutgoingEmail
from samenaanpak.core.public_forms import start_token
from samenaanpak.questions.models import Question

URL = "/vragen/"


def started(seconds_ago=60):
    return start_token(time.time() - seconds_ago)


def data(**overrides):
    values = {
        "text": "Waar kan mijn zoon terecht voor hulp?",
        "topic": "hulp",
        "name": "Anna de Vries",
        "email": "anna@example.org",
        "consent": "on",
        "website": "",
        "started": started(),
    }
    values.update(overrides)
    return values


@pytest.fixture(autouse=True)
def content(nijkerk):
    return nijkerk


@pytest.mark.django_db
def test_form_page_renders_without_browser_validation(client):
    html = client.get(URL).content.decode()
    assert "novalidate" in html and 'name="csrfmiddlewaretoken"' in html
    assert "Zonder e-mailadres kunnen we u niet persoonlijk antwoorden" in html
    assert 'href="/privacy/"' in html


@pytest.mark.django_db
def test_successful_question_is_stored_with_history_and_mail_queued(client):
    response = client.post(URL, data())
    assert response.status_code == 302 and response["Location"] == "/vragen/verstuurd/"
    question = Question.objects.get()
    assert question.text == "Waar kan mijn zoon terecht voor hulp?" and question.consent
    assert question.events.get().status == "nieuw"
    confirmation = OutgoingEmail.objects.get(purpose="vraag-ontvangen")
    assert confirmation.to == "anna@example.org" and question.reference in confirmation.body
    notification = OutgoingEmail.objects.get(purpose="nieuwe-vraag")
    assert notification.to == "V.Simonse@nijkerk.eu"
    assert (
        "zoon" not in notification.body
        and f"/beheer/vragen/edit/{question.pk}/" in notification.body
    )
    page = client.get(response["Location"]).content.decode()
    assert question.reference in page


@pytest.mark.django_db
def test_without_email_only_the_policy_officer_is_mailed(client):
    client.post(URL, data(email="", name=""))
    assert list(OutgoingEmail.objects.values_list("purpose", flat=True)) == ["nieuwe-vraag"]


def assert_error_page(response, *messages, keeps=(), status=400):
    assert response.status_code == status  # 400: the form has errors; 429: a limit
    html = response.content.decode()
    assert (
        'class="utrecht-alert utrecht-alert--error sa-error-summary" role="alert" tabindex="-1" autofocus'
        in html
    )
    assert "<title>Fout:" in html
    for message in messages:
        assert message in html, message
    for value in keeps:
        assert value in html, value
    assert Question.objects.count() == 0
    return html


@pytest.mark.django_db
def test_empty_question(client):
    html = assert_error_page(
        client.post(URL, data(text="")),
        "Vul uw vraag in.",
        keeps=["Anna de Vries", "anna@example.org"],
    )
    assert (
        'href="#id_text"' in html
        and 'aria-invalid="true"' not in html.split('id="id_email"')[0][-200:]
    )


@pytest.mark.django_db
def test_whitespace_and_control_characters_only(client):
    assert_error_page(client.post(URL, data(text=" \x00\x07\u202e ")), "Vul uw vraag in.")


@pytest.mark.django_db
def test_very_long_question_keeps_the_text(client):
    long_text = "lang " * 4000  # 20,000 characters
    html = assert_error_page(
        client.post(URL, data(text=long_text)), "Uw vraag is te lang: maximaal 5000 tekens"
    )
    assert long_text.strip() in html


@pytest.mark.django_db
def test_invalid_email(client):
    assert_error_page(
        client.post(URL, data(email="anna@")),
        "Vul een geldig e-mailadres in",
        keeps=["Waar kan mijn zoon terecht voor hulp?"],
    )


@pytest.mark.django_db
def test_missing_consent(client):
    assert_error_page(client.post(URL, data(consent="")), "Vink aan dat u akkoord gaat")


@pytest.mark.django_db
def test_control_characters_are_removed_from_stored_text(client):
    client.post(URL, data(text="Hallo\x00 wereld\u202e?\nTweede regel"))
    assert Question.objects.get().text == "Hallo wereld?\nTweede regel"


@pytest.mark.django_db
def test_honeypot_pretends_success_and_stores_nothing(client):
    response = client.post(URL, data(website="http://spam.example"))
    assert response.status_code == 302
    assert Question.objects.count() == 0 and OutgoingEmail.objects.count() == 0


@pytest.mark.django_db
def test_too_fast_submission_asks_to_submit_again_and_keeps_text(client):
    assert_error_page(
        client.post(URL, data(started=started(seconds_ago=0))),
        "erg snel verstuurd",
        keeps=["Waar kan mijn zoon terecht voor hulp?"],
    )


@pytest.mark.django_db
def test_double_click_stores_one_question(client):
    form = data()
    first = client.post(URL, form)
    second = client.post(URL, form)
    assert first["Location"] == second["Location"] == "/vragen/verstuurd/"
    assert Question.objects.count() == 1


@pytest.mark.django_db
def test_rate_limit_per_client(client, settings):
    for _ in range(5):
        assert client.post(URL, data(started=started())).status_code == 302
    assert_error_page_after = client.post(URL, data(started=started(), text="Nog een vraag"))
    html = assert_error_page_after.content.decode()
    assert "al veel vragen gesteld" in html and "Nog een vraag" in html
    assert Question.objects.count() == 5


@pytest.mark.django_db
def test_expired_csrf_shows_form_again_with_text(nijkerk):
    client = Client(enforce_csrf_checks=True)
    response = client.post(URL, data())
    assert response.status_code == 403
    html = response.content.decode()
    assert (
        "is verlopen" in html
        and "Waar kan mijn zoon terecht voor hulp?" in html
        and "Anna de Vries" in html
    )
    assert 'name="csrfmiddlewaretoken"' in html
    assert Question.objects.count() == 0


@pytest.mark.django_db
def test_client_address_is_not_stored(client):
    client.post(URL, data(), REMOTE_ADDR="203.0.113.77")
    from django.core import serializers

    dump = serializers.serialize(
        "json", list(Question.objects.all()) + list(OutgoingEmail.objects.all())
    )
    assert "203.0.113.77" not in dump


@pytest.mark.django_db
def test_faq_shows_only_published_entries(client):
    from samenaanpak.questions.models import FaqEntry

    FaqEntry.objects.create(question="Concept?", answer="Nog niet", published=False)
    html = client.get("/vragen/veelgestelde-vragen/").content.decode()
    assert (
        "Waarom heeft Nijkerk een plan van aanpak tegen drugs?" in html and "Concept?" not in html
    )


@pytest.mark.django_db
def test_rate_limit_behind_proxy_counts_per_visitor_not_per_proxy(client, settings):
    settings.TRUSTED_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    for _ in range(5):
        client.post(
            URL, data(started=started()), REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="198.51.100.1"
        )
    blocked = client.post(
        URL, data(started=started()), REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="198.51.100.1"
    )
    assert blocked.status_code == 429
    assert "al veel vragen gesteld" in blocked.content.decode()
    other = client.post(
        URL, data(started=started()), REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="198.51.100.2"
    )
    assert other.status_code == 302 and Question.objects.count() == 6


@pytest.mark.django_db
def test_confirmation_to_an_unconfirmed_address_carries_nothing_the_visitor_typed(client):
    """The form must not relay someone else's text: a typed name was the phisher's message."""
    lure = "Uw DigiD verloopt vandaag. Bevestig via https://digid-verlengen.example"
    client.post(URL, data(name=lure, text=lure, email="slachtoffer@example.org"))
    confirmation = OutgoingEmail.objects.get(purpose="vraag-ontvangen")
    assert confirmation.to == "slachtoffer@example.org"
    assert "DigiD" not in confirmation.body and "DigiD" not in confirmation.subject
    assert "https://" not in confirmation.body
    assert Question.objects.get().reference in confirmation.subject


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["x", "123", "eyJ0IjoxfQ:1abc:nep", None])
def test_missing_or_garbage_start_value_is_not_a_pass(client, value):
    form = data()
    if value is None:
        form.pop("started")
    else:
        form["started"] = value
    assert_error_page(
        client.post(URL, form),
        "Er is nog niets verstuurd",
        keeps=["Waar kan mijn zoon terecht voor hulp?"],
    )


@pytest.mark.django_db
def test_two_visitors_without_a_start_value_never_share_a_reference(client):
    """A missing start value once made different visitors share one duplicate key: the second saw
    the first one's reference and their question was dropped."""
    first, second = (
        data(text="Vraag van de eerste bezoeker"),
        data(text="Vraag van de tweede bezoeker"),
    )
    first.pop("started")
    second.pop("started")
    client.post(URL, first)
    Client().post(URL, second)
    assert Question.objects.count() == 0  # both asked to send again, nothing silently merged
    for text in ("Vraag van de eerste bezoeker", "Vraag van de tweede bezoeker"):
        response = Client().post(URL, data(text=text))
        assert response.status_code == 302
    assert set(Question.objects.values_list("text", flat=True)) == {
        "Vraag van de eerste bezoeker",
        "Vraag van de tweede bezoeker",
    }
