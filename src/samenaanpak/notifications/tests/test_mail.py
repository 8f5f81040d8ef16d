"""Against a real SMTP server on loopback (aiosmtpd): bulk mail carries the RFC 8058 headers and
service mail none; an SMTP outage delays a digest but loses or repeats nothing; a 5xx refusal
marks the address and stops bulk mail to it until it is confirmed anew."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, TestCase
from django.utils import timezone

from samenaanpak.core import mail
from samenaanpak.core.models import OutgoingEmail
from samenaanpak.core.tests.factories import UserFactory
from samenaanpak.notifications import api, sending, tokens
from samenaanpak.notifications.models import Delivery, Frequency, Subscriber

from .factories import EmailSubscriberFactory, TopicFactory, follow_confirmed


def run_worker():
    call_command(
        "worker", "--batch", "--no-startup-delay", "--interval", "0", stdout=open("/dev/null", "w")
    )


def notice(topic, title):
    with transaction.atomic():
        return api.post(topic, title, "Tekst", "/pad/")


def due_now():
    OutgoingEmail.objects.update(next_attempt_at=timezone.now() - datetime.timedelta(seconds=1))


@pytest.mark.django_db(transaction=True)
def test_bulk_mail_has_one_click_headers_and_service_mail_has_none(smtp, db_tasks, settings):
    settings.SITE_URL = "https://samenaanpak.example.nl"
    topic = TopicFactory()
    user = UserFactory()
    api.follow(topic, user)
    api.set_frequency(api.subscriber_for(user), Frequency.IMMEDIATE)
    notice(topic, "Er is nieuws")
    with transaction.atomic():
        api.send_service_mail(user, "Antwoord op uw idee", "De denktank antwoordde.")
    run_worker()  # fan-out, then the outbox

    bulk, service = sorted(smtp.inbox.messages, key=lambda m: m["Subject"] != "Er is nieuws")
    assert bulk["Subject"] == "Er is nieuws"
    header = "".join(bulk["List-Unsubscribe"].split())  # unfolded (a long header is folded)
    match = re.fullmatch(r"<(https://samenaanpak\.example\.nl/volgen/afmelden/[^/>]+/)>", header)
    assert match, header
    assert bulk["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert bulk.get_content_type() == "text/plain"
    assert "<img" not in bulk.get_payload() and "/pad/" in bulk.get_payload(decode=True).decode()
    assert service["Subject"] == "Antwoord op uw idee"
    assert service["List-Unsubscribe"] is None and service["List-Unsubscribe-Post"] is None

    # The mail program's one-click POST (no CSRF token, no cookie) unsubscribes at once.
    path = match.group(1).removeprefix(settings.SITE_URL)
    response = Client(enforce_csrf_checks=True).post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert Subscriber.objects.get(user=user).frequency == Frequency.NEVER


@pytest.mark.django_db(transaction=True)
def test_an_smtp_outage_delays_a_digest_but_every_mail_arrives_exactly_once(smtp, db_tasks):
    topic = TopicFactory()
    readers = [EmailSubscriberFactory() for _ in range(25)]  # more than one outbox batch
    for reader in readers:
        follow_confirmed(reader, topic)
    notice(topic, "Eerste")
    notice(topic, "Tweede")
    run_worker()  # fan-out: deliveries wait for the digest
    assert Delivery.objects.filter(sent_at__isnull=True).count() == 50

    smtp.stop()
    tomorrow = timezone.now() + datetime.timedelta(days=1, hours=1)
    assert sending.send_due(tomorrow) == (25, 50)  # the minute job queues the digests
    assert sending.send_due(tomorrow) == (0, 0)  # and never again
    run_worker()
    assert OutgoingEmail.objects.filter(status=OutgoingEmail.Status.PENDING).count() == 25
    assert smtp.inbox.messages == []

    smtp.start()
    due_now()
    assert mail.retry_due() == 25  # the scheduler's minute job after the server is back
    run_worker()
    received = sorted(message["To"] for message in smtp.inbox.messages)
    assert received == sorted(reader.email for reader in readers)  # each exactly once
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {
        OutgoingEmail.Status.SENT
    }
    assert mail.retry_due() == 0 and sending.send_due(tomorrow) == (0, 0)


@pytest.mark.django_db(transaction=True)
def test_a_5xx_refusal_marks_the_address_and_stops_bulk_mail_until_confirmed(smtp, db_tasks):
    topic = TopicFactory()
    refused, fine = (
        EmailSubscriberFactory(frequency=Frequency.IMMEDIATE),
        EmailSubscriberFactory(frequency=Frequency.IMMEDIATE),
    )
    user = UserFactory()
    api.follow(topic, user)
    api.set_frequency(api.subscriber_for(user), Frequency.IMMEDIATE)
    for subscriber in (refused, fine):
        follow_confirmed(subscriber, topic)
    smtp.inbox.refuse = {refused.email, user.email}
    notice(topic, "Eerste")
    run_worker()
    refused.refresh_from_db()
    assert refused.rejected_at is not None
    assert Subscriber.objects.get(user=user).rejected_at is not None
    assert Subscriber.objects.get(pk=fine.pk).rejected_at is None
    assert OutgoingEmail.objects.filter(status=OutgoingEmail.Status.FAILED).count() == 2

    smtp.inbox.refuse = set()
    notice(topic, "Tweede")
    run_worker()
    assert sorted(m["To"] for m in smtp.inbox.messages) == [fine.email, fine.email]
    assert not Delivery.objects.filter(
        subscriber__rejected_at__isnull=False, notice__title="Tweede"
    ).exists()


@pytest.mark.django_db
def test_the_account_confirms_its_address_anew_from_the_settings_page(client):
    user = UserFactory()
    topic = TopicFactory()
    api.follow(topic, user)
    Subscriber.objects.filter(user=user).update(rejected_at=timezone.now())
    client.force_login(user)
    page = client.get("/account/meldingen/")
    assert "weigerde onze e-mail" in page.content.decode()
    with TestCase.captureOnCommitCallbacks(execute=False):
        response = client.post("/account/meldingen/adres/")
    assert response.status_code == 302
    [email] = OutgoingEmail.objects.filter(purpose="adres-bevestigen")
    assert email.to == user.email and not email.headers
    link = re.search(r"https?://\S+(/account/meldingen/adres/\S+/)", email.body).group(1)
    assert client.get(link).status_code == 200  # a button, nothing changed yet
    assert Subscriber.objects.get(user=user).rejected_at is not None
    assert client.post(link).status_code == 200
    assert Subscriber.objects.get(user=user).rejected_at is None
    again = client.post(link)
    assert again.status_code == 404 and "al gebruikt" in again.content.decode()


@pytest.mark.django_db(transaction=True)
def test_mail_waiting_for_a_down_server_is_not_sent_after_unsubscribing(smtp, db_tasks):
    """Found by walking the site: with the mail server down, notices waited in the outbox; the
    reader unsubscribed ("U krijgt geen e-mail meer van ons") and, once the server was back,
    still got every one of them. Now the waiting bulk mail goes with the "no"."""
    topic = TopicFactory()
    leaving = EmailSubscriberFactory(frequency=Frequency.IMMEDIATE)
    staying = EmailSubscriberFactory(frequency=Frequency.IMMEDIATE)
    user = UserFactory()
    api.follow(topic, user)
    api.set_frequency(api.subscriber_for(user), Frequency.IMMEDIATE)
    for subscriber in (leaving, staying):
        follow_confirmed(subscriber, topic)
    smtp.stop()
    for title in ("Eerste", "Tweede"):
        notice(topic, title)
    run_worker()
    assert OutgoingEmail.objects.filter(status=OutgoingEmail.Status.PENDING).count() == 6
    api.send_service_mail(user, "Antwoord op uw idee", "Tekst")  # not bulk: it stays

    for subscriber in (leaving, Subscriber.objects.get(user=user)):
        url = f"/volgen/afmelden/{tokens.sign_subscriber(subscriber, tokens.UNSUBSCRIBE)}/"
        assert Client(enforce_csrf_checks=True).post(url).status_code == 200

    smtp.start()
    due_now()
    mail.retry_due()
    run_worker()
    received = sorted((m["To"], m["Subject"]) for m in smtp.inbox.messages)
    assert received == [
        (user.email, "Antwoord op uw idee"),
        (staying.email, "Eerste"),
        (staying.email, "Tweede"),
    ]


@pytest.mark.django_db(transaction=True)
def test_a_mail_deleted_while_its_batch_is_sent_does_not_stop_the_batch(
    smtp, db_tasks, monkeypatch
):
    for number in range(3):
        mail.queue_email(to=f"lezer{number}@example.org", subject="S", body="B", purpose="x")
    claimed = mail._claim(timezone.now())
    OutgoingEmail.objects.filter(pk=claimed[0].pk).delete()  # an erased account, meanwhile
    monkeypatch.setattr(mail, "_claim", lambda now: claimed)  # the batch as it was claimed
    assert mail.send_batch() == (3, 0)
    assert OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENT).count() == 2
