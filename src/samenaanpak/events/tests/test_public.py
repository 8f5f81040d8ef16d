import datetime
import time

import icalendar
import pytest
from django.utils import timezone

from samenaanpak.core import throttle
from samenaanpak.core.models import OutgoingEmail
from samenaanpak.core.public_forms import start_token
from samenaanpak.events import services, tokens
from samenaanpak.events.models import EventPage, Registration
from samenaanpak.events.status import RegistrationStatus

INDEX = "/bijeenkomsten/"


def started(seconds_ago=60):
    return start_token(time.time() - seconds_ago)


def data(**overrides):
    values = {
        "name": "Anna de Vries",
        "email": "anna@example.org",
        "website": "",
        "started": started(),
    }
    values.update(overrides)
    return values


@pytest.fixture
def evening(nijkerk):
    return EventPage.objects.get(slug="ouderavond-drugs-en-uitgaan")


@pytest.fixture
def past(nijkerk):
    return EventPage.objects.get(slug="startbijeenkomst-2-juli-2015")


def register_url(event):
    return event.url + "aanmelden/"


def cancel_url(registration):
    return INDEX + "afmelden/" + tokens.make(registration) + "/"


def assert_error_page(response, *messages, status=400, keeps=()):
    assert response.status_code == status
    html = response.content.decode()
    assert "sa-error-summary" in html and "<title>Fout:" in html
    for text in (*messages, *keeps):
        assert text in html, text
    return html


# --- pages ---------------------------------------------------------------------------------------


def test_index_lists_upcoming_and_past(client, evening, past):
    html = client.get(INDEX).content.decode()
    assert evening.title in html and past.title in html
    assert html.index(evening.title) < html.index(past.title)  # upcoming first
    assert "19.30–21.30 uur" in html
    assert "Voorbeeld" in html and "Verslag" in html
    assert 'href="/bijeenkomsten/agenda.ics"' in html
    assert "/bijeenkomsten/agenda/preventie.ics" in html
    assert evening.start.astimezone(datetime.UTC).hour != 19  # shown in local time, not UTC


def test_index_filter_by_think_tank(client, evening, past):
    html = client.get(INDEX + "?denktank=preventie").content.decode()
    assert evening.title in html and past.title not in html
    html = client.get(INDEX + "?denktank=bestaat-niet").content.decode()
    assert evening.title not in html and "Toon alle bijeenkomsten" in html


def test_index_full_and_cancelled_labels(client, evening):
    EventPage.objects.filter(pk=evening.pk).update(capacity=1)
    services.register(evening, name="An", email="an@example.org")
    assert "Vol – wachtlijst" in client.get(INDEX).content.decode()
    services.cancel_event(evening, reason="Ziek")
    html = client.get(INDEX).content.decode()
    assert "Afgelast" in html and "Vol – wachtlijst" not in html


def test_meeting_page_shows_details_and_form(client, evening):
    response = client.get(evening.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bibliotheek Nijkerk (voorbeeld)" in html and "Voorbeeldstraat 1, Nijkerk" in html
    assert "ringleiding" in html and "Ouders" in html and "Denktank Preventie" in html
    assert "sa-event-example" in html and "Zet in mijn agenda" in html
    assert 'id="aanmeldformulier"' in html and 'autocomplete="email"' in html
    assert 'autocomplete="name"' in html and ">Aanmelden</button>" in html
    assert "We wissen ze 3 maanden na de bijeenkomst" in html
    assert "no-cache" in response["Cache-Control"]


def test_past_meeting_shows_report_and_no_form(client, past):
    html = client.get(past.url).content.decode()
    assert 'id="verslag"' in html and "vier denktanks" in html
    assert "aanmeldformulier" not in html and "Zet in mijn agenda" not in html


def test_home_and_think_tank_show_upcoming(client, evening, django_assert_max_num_queries):
    assert "Komende bijeenkomsten" not in client.get("/").content.decode()  # only an example
    EventPage.objects.filter(pk=evening.pk).update(is_example=False)
    home = client.get("/").content.decode()
    assert "Komende bijeenkomsten" in home and evening.title in home
    tank = client.get(evening.think_tank.url).content.decode()
    assert evening.title in tank and 'href="/bijeenkomsten/"' in tank
    from samenaanpak.events.templatetags.events_tags import upcoming_events

    think_tank = EventPage.objects.get(pk=evening.pk).think_tank
    client.get("/")  # the site's root paths in the cache
    # The meetings with their think tanks and restrictions, and (with the database as cache, not
    # Redis) the cache entry of the site's root paths.
    with django_assert_max_num_queries(2):
        upcoming = upcoming_events({}, think_tank=think_tank)
        assert [event.title for event in upcoming] == [evening.title]
        assert upcoming[0].think_tank.title == "Preventie" and upcoming.index_url == INDEX
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.create(page=evening.get_parent(), restriction_type="login")
    assert "Komende bijeenkomsten" not in client.get("/").content.decode()  # private meetings
    PageViewRestriction.objects.all().delete()
    EventPage.objects.filter(pk=evening.pk).update(think_tank=None)
    assert "Komende bijeenkomsten" not in client.get(evening.think_tank.url).content.decode()


# --- signing up ----------------------------------------------------------------------------------


def test_register_success_prg_and_mail_with_ics(client, evening):
    response = client.post(register_url(evening), data())
    assert response.status_code == 302 and response["Location"] == evening.url + "#aanmelding"
    registration = Registration.objects.get()
    assert registration.status == RegistrationStatus.REGISTERED and registration.user is None
    mail = OutgoingEmail.objects.get(to="anna@example.org")
    [attachment] = mail.attachments
    cal = icalendar.Calendar.from_ical(attachment["content"])
    assert [str(c["uid"]) for c in cal.walk("VEVENT")] == [
        f"bijeenkomst-{evening.pk}@" + str(cal.walk("VEVENT")[0]["uid"]).split("@")[1]
    ]
    html = client.get(evening.url).content.decode()
    assert "U bent aangemeld." in html and "anna@example.org" in html
    assert "Nog iemand aanmelden" in html and "plekken vrij" not in html
    assert cancel_url(registration) in html


def test_same_post_twice_stores_once_and_shows_success(client, evening):
    values = data()
    first = client.post(register_url(evening), values)
    second = client.post(register_url(evening), values)
    assert first.status_code == second.status_code == 302
    assert Registration.objects.count() == 1
    assert "U bent aangemeld." in client.get(evening.url).content.decode()


def test_full_meeting_puts_on_waiting_list(client, evening):
    EventPage.objects.filter(pk=evening.pk).update(capacity=1)
    services.register(evening, name="An", email="an@example.org")
    html = client.get(evening.url).content.decode()
    assert "Deze bijeenkomst is vol." in html and ">Zet mij op de wachtlijst</button>" in html
    client.post(register_url(evening), data())
    assert Registration.objects.get(email="anna@example.org").status == RegistrationStatus.WAITING
    html = client.get(evening.url).content.decode()
    assert "U staat op de wachtlijst, plaats 1." in html and "Van de wachtlijst af" in html


def test_duplicate_email_any_case_is_refused_at_the_field(client, evening):
    """The page says the address is known, not whether it has a place or waits (a Behandeling
    meeting's list is nobody's business); the owner gets the mail with the link again, once a
    day at most."""
    services.register(evening, name="Anna", email="anna@example.org")
    assert OutgoingEmail.objects.filter(to="anna@example.org").count() == 1
    for attempt in range(3):
        response = client.post(
            register_url(evening), data(email=" ANNA@Example.org ", name=f"Anna {attempt}")
        )
        html = assert_error_page(
            response,
            "Dit e-mailadres is al aangemeld voor deze bijeenkomst.",
            status=409,
            keeps=(f'value="Anna {attempt}"',),
        )
        assert 'id="id_email-fout"' in html
        assert "wachtlijst, plaats" not in html
    assert Registration.objects.count() == 1
    assert OutgoingEmail.objects.filter(to="anna@example.org").count() == 2  # one repeat a day
    # Trying addresses counts against the visitor's hourly limit like signing up does.
    from samenaanpak.events.views import PER_CLIENT

    assert PER_CLIENT.used(throttle.client_id(client.get(INDEX).wsgi_request, "events")) >= 3


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"name": "", "email": ""}, "Vul uw naam in."),
        ({"email": "geen-adres"}, "Vul een geldig e-mailadres in"),
        ({"name": "x" * 101}, "Uw naam is te lang: maximaal 100 tekens (nu 101)."),
        ({"started": "vervalst"}, "Uw formulier kwam niet compleet aan"),
    ],
)
def test_bad_input_shows_dutch_errors_and_keeps_input(client, evening, overrides, message):
    response = client.post(register_url(evening), data(**overrides))
    keeps = (
        [f'value="{overrides.get("email", "anna@example.org")}"']
        if overrides.get("email") != ""
        else []
    )
    assert_error_page(response, message, keeps=keeps)
    assert not Registration.objects.exists()


def test_empty_post_is_a_400_not_a_500(client, evening):
    response = client.post(register_url(evening), {})
    assert response.status_code == 400 and not Registration.objects.exists()


def test_get_on_register_redirects_to_the_page(client, evening):
    assert client.get(register_url(evening))["Location"] == evening.url


@pytest.mark.parametrize("change", ["closed", "past", "cancelled", "none"])
def test_no_registration_when_not_possible(client, evening, change):
    if change == "closed":
        EventPage.objects.filter(pk=evening.pk).update(registration="gesloten")
        message = "Aanmelden voor deze bijeenkomst is gesloten."
    elif change == "none":
        EventPage.objects.filter(pk=evening.pk).update(registration="geen")
        message = "hoeft u zich niet aan te melden"
    elif change == "past":
        start = timezone.now() - datetime.timedelta(hours=1)
        EventPage.objects.filter(pk=evening.pk).update(
            start=start, end=start + datetime.timedelta(hours=3)
        )
        message = "al begonnen of voorbij"
    else:
        services.cancel_event(evening, reason="Te weinig aanmeldingen")
        message = "Deze bijeenkomst is afgelast."
    html = client.get(evening.url).content.decode()
    assert message in html and "aanmeldformulier" not in html
    assert_error_page(client.post(register_url(evening), data()), message, status=409)
    assert not Registration.objects.exists()


def test_unpublished_meeting_is_404_for_get_and_post(client, evening):
    evening.unpublish()
    assert client.get(evening.url).status_code == 404
    assert client.post(register_url(evening), data()).status_code == 404
    assert not Registration.objects.exists()


def test_rate_limit_per_client(client, evening, settings):
    settings.EVENTS_REGISTRATION_CLIENT_HOURLY_LIMIT = 1
    client.post(register_url(evening), data())
    response = client.post(register_url(evening), data(email="bo@example.org", name="Bo"))
    assert_error_page(response, "veel aanmeldingen", status=429, keeps=('value="bo@example.org"',))
    assert Registration.objects.count() == 1


def test_signed_in_account_registers_with_one_click(client, evening):
    from samenaanpak.accounts.models import Profile
    from samenaanpak.tests.factories import UserFactory

    user = UserFactory(username="ouder", email="ouder@example.org")
    Profile.objects.create(user=user, display_name="Ouder Jansen")
    client.force_login(user)
    html = client.get(evening.url).content.decode()
    assert "U meldt zich aan als Ouder Jansen (ouder@example.org)." in html
    assert 'id="id_name"' not in html
    response = client.post(register_url(evening), {"started": start_token(), "website": ""})
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.user == user and registration.name == "Ouder Jansen"
    assert registration.email == "ouder@example.org"
    assert "U bent aangemeld." in client.get(evening.url).content.decode()


# --- cancelling ----------------------------------------------------------------------------------


def test_cancel_get_does_not_cancel_post_does_and_promotes(client, evening):
    EventPage.objects.filter(pk=evening.pk).update(capacity=1)
    first = services.register(evening, name="An", email="an@example.org")
    second = services.register(evening, name="Bartholomeus Wachter", email="bw@example.org")
    response = client.get(cancel_url(first))
    html = response.content.decode()
    assert response.status_code == 200 and ">Afmelden</button>" in html
    assert '<meta name="robots" content="noindex">' in html
    assert response["Referrer-Policy"] == "same-origin"  # "no-referrer" broke the POST (CSRF)
    assert Registration.objects.get(pk=first.pk).status == RegistrationStatus.REGISTERED
    response = client.post(cancel_url(first))
    html = response.content.decode()
    assert response.status_code == 200 and "U bent afgemeld" in html and "Bartholomeus" not in html
    assert Registration.objects.get(pk=first.pk).status == RegistrationStatus.CANCELLED
    second.refresh_from_db()
    assert second.status == RegistrationStatus.REGISTERED
    assert "Plek teruggeven" in client.get(cancel_url(second)).content.decode()
    again = client.post(cancel_url(first))
    assert again.status_code == 200 and "U bent al afgemeld" in again.content.decode()


def test_waiting_list_cancel_button(client, evening):
    EventPage.objects.filter(pk=evening.pk).update(capacity=0)
    waiting = services.register(evening, name="An", email="an@example.org")
    assert ">Van de wachtlijst af</button>" in client.get(cancel_url(waiting)).content.decode()
    assert "U staat niet meer op de wachtlijst" in client.post(cancel_url(waiting)).content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_tampered_token_is_404(client, evening, method):
    registration = services.register(evening, name="An", email="an@example.org")
    token = tokens.make(registration)
    response = getattr(client, method)(INDEX + "afmelden/" + token[:-2] + "xx/")
    assert (
        response.status_code == 404 and "Deze link klopt niet (meer)" in response.content.decode()
    )
    Registration.objects.filter(pk=registration.pk).update(erased_at=timezone.now())
    assert getattr(client, method)(cancel_url(registration)).status_code == 404
    assert Registration.objects.get(pk=registration.pk).status == RegistrationStatus.REGISTERED


def test_cancel_after_start_explains(client, evening):
    registration = services.register(evening, name="An", email="an@example.org")
    start = timezone.now() - datetime.timedelta(minutes=5)
    EventPage.objects.filter(pk=evening.pk).update(
        start=start, end=start + datetime.timedelta(hours=2)
    )
    response = client.post(cancel_url(registration))
    assert "Afmelden is niet meer nodig" in response.content.decode()
    assert Registration.objects.get(pk=registration.pk).status == RegistrationStatus.REGISTERED


# --- calendars -----------------------------------------------------------------------------------


def _events(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content).walk("VEVENT")


def test_feeds_parse_with_stable_uid_url_sequence_status(client, evening):
    # A subscriber's calendar gets no invented meeting; its own .ics is marked.
    assert _events(client.get(INDEX + "agenda.ics")) == []  # the 2015 meetings are too old
    [example] = _events(client.get(evening.url + "agenda.ics"))
    assert str(example["summary"]).startswith("Voorbeeld: ")
    EventPage.objects.filter(pk=evening.pk).update(is_example=False)
    [item] = _events(client.get(INDEX + "agenda.ics"))
    assert str(item["uid"]).startswith(f"bijeenkomst-{evening.pk}@")
    assert str(item["url"]).endswith(evening.url)
    assert str(item["summary"]) == evening.title
    assert int(item["sequence"]) == evening.ical_sequence and str(item["status"]) == "CONFIRMED"
    services.cancel_event(evening, reason="Ziek")
    [again] = _events(client.get(INDEX + "agenda/preventie.ics"))
    assert again["uid"] == item["uid"] and str(again["status"]) == "CANCELLED"
    assert str(again["organizer"]).startswith("mailto:")  # RFC 5546: a CANCEL names one
    assert int(again["sequence"]) == int(item["sequence"]) + 1
    assert _events(client.get(INDEX + "agenda/behandeling.ics")) == []  # another think tank


def test_think_tank_feed_unknown_slug_is_404(client, nijkerk):
    assert client.get(INDEX + "agenda/bestaat-niet.ics").status_code == 404


def test_single_event_ics(client, evening):
    response = client.get(evening.url + "agenda.ics")
    [item] = _events(response)
    assert "inline" in response["Content-Disposition"] and ".ics" in response["Content-Disposition"]
    assert str(item["uid"]).startswith(f"bijeenkomst-{evening.pk}@")


# --- query counts --------------------------------------------------------------------------------


def _add_registrations(evening, start, count):
    Registration.objects.bulk_create(
        Registration(
            event=evening,
            name=f"P{n}",
            email=f"p{n}@example.org",
            email_key=f"p{n}@example.org",
            status=RegistrationStatus.REGISTERED,
        )
        for n in range(start, start + count)
    )


def _count(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_query_counts_flat(client, evening, past, django_assert_max_num_queries):
    EventPage.objects.filter(pk=evening.pk).update(capacity=None)
    _add_registrations(evening, 0, 1)
    client.get(INDEX), client.get(evening.url)  # warm the site and navigation caches
    few = {url: _count(client, url) for url in (INDEX, evening.url)}
    _add_registrations(evening, 1, 199)
    index = evening.get_parent()
    for n in range(15):  # more meetings, upcoming and past, each with registrations
        start = timezone.now() + datetime.timedelta(days=n - 7)
        extra = index.add_child(
            instance=EventPage(
                title=f"Extra {n}",
                start=start,
                end=start + datetime.timedelta(hours=2),
                place_name="Nijkerk",
                capacity=3,
                think_tank=evening.think_tank,
            )
        )
        _add_registrations(extra, 1000 + 10 * n, 4)
    many = {url: _count(client, url) for url in (INDEX, evening.url)}
    assert few == many, (few, many)
    with django_assert_max_num_queries(16):
        client.get(INDEX)
    with django_assert_max_num_queries(16):
        client.get(evening.url)


def test_past_meetings_come_ten_at_a_time(client, past, django_assert_max_num_queries):
    index = past.get_parent()
    for number in range(12):
        start = past.start - datetime.timedelta(days=30 * (number + 1))
        index.add_child(
            instance=EventPage(
                title=f"Oude avond {number}",
                start=start,
                end=start + datetime.timedelta(hours=2),
                place_name="Nijkerk",
            )
        )
    client.get(INDEX)  # the caches warm
    with django_assert_max_num_queries(14):
        first = client.get(INDEX).content.decode()
    assert first.count("Verslag") <= 10 and "Pagina 1 van 2" in first
    assert "Oude avond 11" not in first
    second = client.get(INDEX + "?pagina=2").content.decode()
    assert "Oude avond 11" in second and "Pagina 2 van 2" in second
    assert client.get(INDEX + "?pagina=zeven").status_code == 200
