"""Following without an account (double opt-in with proof of consent), unsubscribing (RFC 8058:
POST acts, GET shows a button), bad links, and the settings page."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from samenaanpak.core.models import OutgoingEmail
from samenaanpak.core.tests.factories import UserFactory
from samenaanpak.notifications import api, tokens
from samenaanpak.notifications.models import Consent, Follow, Frequency, Subscriber

from .factories import TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_forms(settings):
    settings.FORM_MIN_FILL_SECONDS = 0


def follow_page(topic):
    return f"/volgen/?onderwerp={tokens.sign_topic(topic.pk)}"


def sign_up(client, topic, email="ouder@example.org", consent=True):
    url = follow_page(topic)
    page = client.get(url)
    assert page.status_code == 200
    started = re.search(r'name="started" value="([^"]+)"', page.content.decode()).group(1)
    data = {"email": email, "started": started, "website": ""}
    if consent:
        data["consent"] = "on"
    return client.post(url, data)


def link_in(email, path):
    return re.search(rf"https?://[^/\s]+({path}\S+/)", email.body).group(1)


def test_double_opt_in_stores_proof_of_consent_and_confirms_with_a_button(client):
    topic = TopicFactory(title="Denktank Preventie")
    response = sign_up(client, topic, "Ouder@Example.org")
    assert response.status_code == 302 and response["Location"] == "/volgen/verstuurd/"

    subscriber = Subscriber.objects.get()
    assert subscriber.email == "ouder@example.org" and subscriber.confirmed_at is None
    follow = Follow.objects.get()
    assert follow.confirmed_at is None and follow.topic == topic
    consent = Consent.objects.get()
    assert consent.topic == topic and consent.confirmed_at is None and consent.given_at
    assert consent.page == follow_page(topic)  # the page the consent was given on
    assert "Denktank Preventie" in consent.text and "afmelden" in consent.text  # the words shown
    assert consent.text in client.get(follow_page(topic)).content.decode()

    [email] = OutgoingEmail.objects.all()
    assert email.to == "ouder@example.org" and not email.headers  # a service mail
    link = link_in(email, "/volgen/bevestigen/")
    page = client.get(link)  # a link scanner's GET changes nothing
    assert page.status_code == 200 and "Ja, ik wil dit volgen" in page.content.decode()
    assert Consent.objects.get().confirmed_at is None

    assert client.post(link).status_code == 200
    consent.refresh_from_db()
    subscriber.refresh_from_db()
    follow.refresh_from_db()
    assert consent.confirmed_at and subscriber.confirmed_at and follow.confirmed_at

    reused = client.post(link)
    assert reused.status_code == 404 and "al gebruikt" in reused.content.decode()


def test_errors_keep_what_was_typed_and_have_a_summary(client):
    topic = TopicFactory()
    response = sign_up(client, topic, "ouder@", consent=False)
    html = response.content.decode()
    assert response.status_code == 400
    assert "<title>Fout:" in html and 'value="ouder@"' in html
    assert "Vul een geldig e-mailadres in" in html and "Vink aan dat u e-mail wilt krijgen" in html
    assert not Subscriber.objects.exists() and not OutgoingEmail.objects.exists()


def test_an_empty_post_is_an_error_on_the_page_not_a_500(client):
    response = client.post(follow_page(TopicFactory()))
    assert response.status_code == 400 and "<title>Fout:" in response.content.decode()
    assert not Subscriber.objects.exists()


def test_a_visitor_over_the_follow_limit_gets_429_with_the_text_kept(client, settings):
    settings.NOTIFICATION_FOLLOW_CLIENT_HOURLY_LIMIT = 2
    topic = TopicFactory()
    for n in range(2):
        assert sign_up(client, topic, f"ouder{n}@example.org").status_code == 302
    response = sign_up(client, topic, "ouder9@example.org")
    page = response.content.decode()
    assert response.status_code == 429  # a limit, as elsewhere on the site; not a form error
    assert "Probeer het over een uur opnieuw" in page and 'value="ouder9@example.org"' in page


def test_repeated_sign_ups_do_not_flood_the_address(client, settings):
    settings.NOTIFICATION_OPTIN_ADDRESS_DAILY_LIMIT = 3
    topics = [TopicFactory() for _ in range(6)]
    for topic in topics:
        assert sign_up(client, topic, "doelwit@example.org").status_code == 302
    assert OutgoingEmail.objects.filter(to="doelwit@example.org").count() == 3
    assert Subscriber.objects.count() == 1


def test_signing_up_again_for_a_followed_topic_sends_nothing(client):
    topic = TopicFactory()
    sign_up(client, topic)
    client.post(link_in(OutgoingEmail.objects.get(), "/volgen/bevestigen/"))
    sign_up(client, topic)
    assert OutgoingEmail.objects.count() == 1


@pytest.mark.parametrize(
    "url, status, text",
    [
        ("/volgen/?onderwerp=12:vervalst", 400, "niet compleet"),
        ("/volgen/", 400, "niet compleet"),
        ("/volgen/bevestigen/1.abc:def:ghi/", 400, "klopt niet"),
        ("/volgen/afmelden/niets/", 400, "klopt niet"),
        ("/account/meldingen/beheren/x:y/", 400, "klopt niet"),
        ("/account/meldingen/adres/1:2:3/", 400, "klopt niet"),
    ],
)
def test_tampered_links_get_a_clear_dutch_page(client, url, status, text):
    response = client.get(url)
    assert response.status_code == status and text in response.content.decode()
    assert "<title>Fout:" in response.content.decode()


def test_a_changed_unsubscribe_token_is_refused(client):
    user = UserFactory()
    subscriber = api.subscriber_for(user)
    token = tokens.sign_subscriber(subscriber, tokens.UNSUBSCRIBE)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.post(f"/volgen/afmelden/{tampered}/").status_code == 400
    manage_token = tokens.sign_subscriber(subscriber, tokens.MANAGE)  # another kind of link
    assert client.post(f"/volgen/afmelden/{manage_token}/").status_code == 400
    assert Subscriber.objects.get().frequency == Frequency.DAILY


def test_an_expired_opt_in_link_asks_to_sign_up_again(client, settings):
    topic = TopicFactory()
    sign_up(client, topic)
    link = link_in(OutgoingEmail.objects.get(), "/volgen/bevestigen/")
    settings.NOTIFICATION_OPTIN_DAYS = -1  # as if the link were older than allowed
    response = client.post(link)
    assert response.status_code == 400 and "verlopen" in response.content.decode()
    assert Consent.objects.get().confirmed_at is None


def test_unsubscribe_get_shows_a_button_and_post_unsubscribes_once(client):
    user = UserFactory()
    api.follow(TopicFactory(), user)
    subscriber = Subscriber.objects.get(user=user)
    url = f"/volgen/afmelden/{tokens.sign_subscriber(subscriber, tokens.UNSUBSCRIBE)}/"
    page = client.get(url)
    assert page.status_code == 200 and "Afmelden voor alle e-mail" in page.content.decode()
    assert Subscriber.objects.get(pk=subscriber.pk).frequency == Frequency.DAILY

    response = Client(enforce_csrf_checks=True).post(url)  # as a mail program: no CSRF token
    assert response.status_code == 200 and "U bent afgemeld" in response.content.decode()
    after = Subscriber.objects.get(pk=subscriber.pk)
    assert after.frequency == Frequency.NEVER and after.token != subscriber.token
    assert Follow.objects.filter(subscriber=after).exists()  # the account keeps what it follows
    reused = client.post(url)
    assert reused.status_code == 404 and "werkt niet meer" in reused.content.decode()


def test_unsubscribing_without_an_account_erases_the_address(client):
    topic = TopicFactory()
    sign_up(client, topic)
    client.post(link_in(OutgoingEmail.objects.get(), "/volgen/bevestigen/"))
    subscriber = Subscriber.objects.get()
    url = f"/volgen/afmelden/{tokens.sign_subscriber(subscriber, tokens.UNSUBSCRIBE)}/"
    assert Client(enforce_csrf_checks=True).post(url).status_code == 200
    assert not Subscriber.objects.exists() and not Consent.objects.exists()


def test_settings_page_for_an_account(client):
    user = UserFactory()
    topics = [TopicFactory(title="Het plan"), TopicFactory(title="Denktank Zorg")]
    for topic in topics:
        api.follow(topic, user)
    assert client.get("/account/meldingen/").status_code == 302  # signed in only
    client.force_login(user)
    page = client.get("/account/meldingen/").content.decode()
    assert "Het plan" in page and "Denktank Zorg" in page
    assert 'value="dagelijks" id="id_frequency_1" checked' in page  # the default

    response = client.post("/account/meldingen/", {"action": "opslaan", "frequency": "wekelijks"})
    assert response.status_code == 200 and "Opgeslagen." in response.content.decode()
    assert Subscriber.objects.get(user=user).frequency == Frequency.WEEKLY
    bad = client.post("/account/meldingen/", {"action": "opslaan", "frequency": "elk-uur"})
    assert bad.status_code == 400 and "<title>Fout:" in bad.content.decode()
    assert Subscriber.objects.get(user=user).frequency == Frequency.WEEKLY

    client.post("/account/meldingen/", {"action": "stoppen", "topic": topics[0].pk})
    assert not api.is_following(topics[0], user) and api.is_following(topics[1], user)


def test_settings_page_of_an_account_that_follows_nothing_yet(client):
    user = UserFactory()
    client.force_login(user)
    response = client.get("/account/meldingen/")
    assert response.status_code == 200 and "U volgt nog niets" in response.content.decode()
    assert not Subscriber.objects.exists()  # looking stores nothing
    client.post("/account/meldingen/", {"action": "opslaan", "frequency": "direct"})
    assert Subscriber.objects.get(user=user).frequency == Frequency.IMMEDIATE


def test_settings_through_the_link_in_a_mail_without_an_account(client):
    topic = TopicFactory(title="Denktank Zorg")
    sign_up(client, topic)
    client.post(link_in(OutgoingEmail.objects.get(), "/volgen/bevestigen/"))
    subscriber = Subscriber.objects.get()
    url = f"/account/meldingen/beheren/{tokens.sign_subscriber(subscriber, tokens.MANAGE)}/"
    assert "Denktank Zorg" in client.get(url).content.decode()
    client.post(url, {"action": "opslaan", "frequency": "direct"})
    assert Subscriber.objects.get().frequency == Frequency.IMMEDIATE
    response = client.post(url, {"action": "stoppen", "topic": topic.pk})
    assert "U bent afgemeld" in response.content.decode()
    assert not Subscriber.objects.exists()  # following nothing, the address is not kept


def test_follow_and_unfollow_buttons_for_an_account(client):
    user, topic = UserFactory(), TopicFactory()
    client.force_login(user)
    response = client.post(f"/volgen/onderwerp/{topic.pk}/", {"next": "/plan/#volgen"})
    assert response.status_code == 302 and response["Location"] == "/plan/#volgen"
    assert Follow.objects.get().confirmed_at is not None  # an account needs no opt-in
    response = client.post(
        f"/volgen/onderwerp/{topic.pk}/stoppen/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == "/" and not Follow.objects.exists()
    # A GET (the login's `next`, a reload) goes to the page with the button, not a blank 405.
    for url in (f"/volgen/onderwerp/{topic.pk}/", f"/volgen/onderwerp/{topic.pk}/stoppen/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == f"{topic.path}#volgen"
    assert client.get("/account/meldingen/adres/")["Location"] == "/account/meldingen/"
    assert client.get("/volgen/onderwerp/999999/")["Location"] == "/"


def test_an_anonymous_follow_post_goes_to_the_email_page(client):
    topic = TopicFactory()
    response = client.post(f"/volgen/onderwerp/{topic.pk}/")
    assert response["Location"] == follow_page(topic)


def test_the_bounce_signal_marks_accounts_and_addresses(client):
    from samenaanpak.core.mail import mail_rejected

    user = UserFactory(email="Stuk@Example.org")
    api.subscriber_for(user)
    other = UserFactory()
    api.subscriber_for(other)
    Subscriber.objects.create(email="stuk@example.org", confirmed_at=timezone.now())
    mail_rejected.send(None, address="stuk@example.org", purpose="melding")
    assert Subscriber.objects.filter(rejected_at__isnull=False).count() == 2
    assert Subscriber.objects.get(user=other).rejected_at is None


def test_personal_data_export_and_erase():
    from samenaanpak.notifications import personal_data

    user, topic = UserFactory(), TopicFactory(title="Het plan")
    api.follow(topic, user)
    data = personal_data.export(user)
    assert [f["title"] for f in data["follows"]] == ["Het plan"]
    assert data["frequency"] == "Eén keer per dag"
    [section] = personal_data.account_sections(user)
    assert section["title"] == "Wat ik volg" and section["context"]["follows"]
    personal_data.erase(user)
    assert not Subscriber.objects.exists() and not Follow.objects.exists()
    assert personal_data.export(UserFactory())["follows"] == []
