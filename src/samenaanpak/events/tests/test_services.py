"""services.py: signing up, the waiting list moving up, refusals that store and mail nothing, the
organiser's alerts at 80 % and 100 %, calling a meeting off."""

import datetime

import pytest
from django.utils import timezone

from samenaanpak.core.models import OutgoingEmail

from .. import services
from ..models import EventPage, Registration
from ..status import RegistrationMode, RegistrationStatus
from .make import meeting, outbox, sign_up, subjects

pytestmark = pytest.mark.django_db


def statuses(event):
    return list(
        Registration.objects.filter(event=event).order_by("pk").values_list("status", flat=True)
    )


def test_full_meeting_puts_people_on_the_waiting_list_and_cancel_moves_the_first_up(nijkerk):
    event = meeting(capacity=2)
    an, bo, cas, dirk = sign_up(event, 4)
    assert statuses(event) == ["aangemeld", "aangemeld", "wachtlijst", "wachtlijst"]
    assert services.counts(event) == {"registered": 2, "waiting": 2}
    promoted = services.cancel(bo)
    assert promoted.pk == cas.pk  # first come, first served
    assert statuses(event) == ["aangemeld", "afgemeld", "aangemeld", "wachtlijst"]
    # Leaving the waiting list frees no place: nobody moves up.
    assert services.cancel(dirk) is None
    assert services.counts(event) == {"registered": 2, "waiting": 0}
    assert [e.status for e in cas.history.order_by("pk")] == ["wachtlijst", "aangemeld"]
    assert subjects(to="p2@example.org") == [
        f"U staat op de wachtlijst: {event.title}",
        f"Er is een plek vrij: u bent aangemeld voor {event.title}",
    ]
    assert subjects(to="p1@example.org")[-1] == f"U bent afgemeld: {event.title}"
    assert subjects(to="p3@example.org")[-1] == (
        f"U staat niet meer op de wachtlijst: {event.title}"
    )
    # A reused cancel link: refused, nothing changes.
    with pytest.raises(services.Refused) as refused:
        services.cancel(bo)
    assert refused.value.code == "already"
    assert services.counts(event) == {"registered": 2, "waiting": 0}


def test_confirmation_has_the_calendar_file_and_the_waiting_mail_has_none(nijkerk):
    event = meeting(capacity=1)
    sign_up(event, 2)
    registered, waiting = outbox()
    assert [a["filename"] for a in registered.attachments] == ["bijeenkomst.ics"]
    assert waiting.attachments == []
    assert "/bijeenkomsten/afmelden/" in registered.body


def test_same_address_twice_is_refused_whatever_its_case(nijkerk):
    event = meeting(capacity=1)
    first = services.register(event, name="An", email="an@example.org")
    before = OutgoingEmail.objects.count()
    with pytest.raises(services.Refused) as refused:
        services.register(event, name="An", email="  AN@Example.ORG ")
    assert refused.value.code == "duplicate" and refused.value.registration.pk == first.pk
    assert Registration.objects.filter(event=event).count() == 1
    assert OutgoingEmail.objects.count() == before
    # On the waiting list: the message does not say so (only the owner may know).
    services.register(event, name="Bo", email="bo@example.org")
    with pytest.raises(services.Refused) as waiting:
        services.register(event, name="Bo", email="BO@example.org")
    assert waiting.value.message == refused.value.message
    assert "wachtlijst" not in str(waiting.value.message)
    # After cancelling, signing up again makes a new registration.
    services.cancel(first)
    again = services.register(event, name="An", email="An@example.org")
    assert again.pk != first.pk and again.status == RegistrationStatus.WAITING


def _past(event):
    then = timezone.now() - datetime.timedelta(hours=1)
    EventPage.objects.filter(pk=event.pk).update(start=then, end=then + datetime.timedelta(hours=2))


def _deadline_passed(event):
    EventPage.objects.filter(pk=event.pk).update(
        registration_deadline=timezone.now() - datetime.timedelta(minutes=1)
    )


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(
            lambda e: EventPage.objects.filter(pk=e.pk).update(
                registration=RegistrationMode.CLOSED
            ),
            id="closed",
        ),
        pytest.param(
            lambda e: EventPage.objects.filter(pk=e.pk).update(registration=RegistrationMode.NONE),
            id="no-registration",
        ),
        pytest.param(_deadline_passed, id="deadline"),
        pytest.param(_past, id="started"),
        pytest.param(lambda e: services.cancel_event(e, reason="Ziek"), id="cancelled"),
        pytest.param(lambda e: EventPage.objects.get(pk=e.pk).unpublish(), id="unpublished"),
    ],
)
def test_refused_sign_up_stores_and_mails_nothing(nijkerk, spoil):
    event = meeting(capacity=3)
    spoil(event)
    registrations, mails = Registration.objects.count(), OutgoingEmail.objects.count()
    with pytest.raises(services.Refused) as refused:
        services.register(event, name="An", email="an@example.org")
    assert refused.value.code == "closed" and refused.value.message
    assert Registration.objects.count() == registrations
    assert OutgoingEmail.objects.count() == mails


def test_raising_the_capacity_in_a_publish_moves_people_up(nijkerk):
    event = meeting(capacity=1)
    sign_up(event, 4)
    sequence = EventPage.objects.get(pk=event.pk).ical_sequence
    page = EventPage.objects.get(pk=event.pk)
    page.capacity = 3
    page.save_revision().publish()
    assert statuses(event) == ["aangemeld", "aangemeld", "aangemeld", "wachtlijst"]
    assert subjects(to="p1@example.org")[-1].startswith("Er is een plek vrij")
    assert subjects(to="p3@example.org") == [f"U staat op de wachtlijst: {event.title}"]
    assert EventPage.objects.get(pk=event.pk).ical_sequence == sequence + 1
    # No maximum any more: everyone waiting moves up.
    page = EventPage.objects.get(pk=event.pk)
    page.capacity = None
    page.save_revision().publish()
    assert statuses(event) == ["aangemeld"] * 4


def test_fill_places_does_nothing_when_nothing_is_free(nijkerk):
    event = meeting(capacity=2)
    sign_up(event, 3)
    assert services.fill_places(event) == []
    EventPage.objects.filter(pk=event.pk).update(capacity=1)  # lowered below the registered
    assert services.fill_places(event) == []
    assert statuses(event) == ["aangemeld", "aangemeld", "wachtlijst"]


def test_organiser_is_told_once_at_80_and_once_at_100_percent(nijkerk):
    event = meeting(capacity=5, organiser_email="org@example.org")
    org = services.PURPOSE_ORGANISER
    sign_up(event, 3)
    assert outbox(org) == []
    sign_up(event, 1, start=3)  # 4 of 5: 80 %
    assert subjects(org) == [f"{event.title} is voor 80% vol"]
    sign_up(event, 1, start=4)  # 5 of 5: 100 %
    assert subjects(org) == [f"{event.title} is voor 80% vol", f"{event.title} is voor 100% vol"]
    [_80, full] = outbox(org)
    assert full.to == "org@example.org" and "Aangemeld: 5 van 5 plaatsen" in full.body
    # Waiting, cancelling, moving up, full again: no more alerts.
    sign_up(event, 2, start=5)
    services.cancel(Registration.objects.get(event=event, email="p0@example.org"))
    services.cancel(Registration.objects.get(event=event, email="p1@example.org"))
    sign_up(event, 1, start=7)
    assert len(outbox(org)) == 2
    event.refresh_from_db()
    assert event.alerted_80_at and event.alerted_100_at


def test_organiser_alerts_go_to_the_think_tank_group_without_an_address(nijkerk, user_factory):
    from django.contrib.auth.models import Group

    from samenaanpak.plan.models import ThinkTankPage

    think_tank = ThinkTankPage.objects.get(slug="preventie")
    member = user_factory(email="lid@example.org")
    member.groups.add(Group.objects.get(name="Denktank Preventie"))
    event = meeting(capacity=1, think_tank=think_tank)
    sign_up(event, 1)
    assert [e.to for e in outbox(services.PURPOSE_ORGANISER)] == ["lid@example.org"]


def test_a_jump_past_80_percent_sends_only_the_100_percent_mail(nijkerk):
    event = meeting(capacity=5, organiser_email="org@example.org")
    sign_up(event, 5, start=0)
    assert len(outbox(services.PURPOSE_ORGANISER)) == 2  # one at 4, one at 5
    event2 = meeting(capacity=2, organiser_email="org@example.org")
    sign_up(event2, 1)  # 50 %
    sign_up(event2, 1, start=1)  # 100 %, past 80 % in one step
    assert subjects(services.PURPOSE_ORGANISER)[-1] == f"{event2.title} is voor 100% vol"
    assert len(outbox(services.PURPOSE_ORGANISER)) == 3


def test_nothing_is_mailed_about_an_unpublished_meeting(nijkerk):
    event = meeting(capacity=2, organiser_email="org@example.org")
    sign_up(event, 3)
    before = OutgoingEmail.objects.count()
    EventPage.objects.get(pk=event.pk).unpublish()
    first = Registration.objects.get(event=event, email="p0@example.org")
    assert services.cancel(first) is None  # no promotion for a meeting nobody can see
    assert services.fill_places(event) == []
    assert services.mail_registered(event, subject="Hallo", body="Tekst") == 0
    assert services.cancel_event(event, reason="Gaat niet door") == 0
    assert OutgoingEmail.objects.count() == before
    # Nor when it was never published.
    draft = meeting(capacity=2, publish=False, organiser_email="org@example.org")
    with pytest.raises(services.Refused):
        services.register(draft, name="An", email="an@example.org")
    assert OutgoingEmail.objects.count() == before


def test_cancel_event_tells_registered_and_waiting_with_a_cancel_calendar(nijkerk):
    event = meeting(capacity=2)
    sign_up(event, 3)
    gone = Registration.objects.get(event=event, email="p0@example.org")
    services.cancel(gone)  # p2 moves up
    told = services.cancel_event(event, reason="De spreker is ziek.")
    assert told == 2
    assert statuses(event) == ["afgemeld", "afgelast", "afgelast"]
    mails = outbox(subject=f"Afgelast: {event.title}")
    assert sorted(m.to for m in mails) == ["p1@example.org", "p2@example.org"]
    assert all("De spreker is ziek." in m.body for m in mails)
    assert all("METHOD:CANCEL" in m.attachments[0]["content"] for m in mails)
    with pytest.raises(services.Refused):
        services.cancel_event(event, reason="Nog eens")
    # A link in an old mail: the registration is no longer active.
    with pytest.raises(services.Refused):
        services.cancel(Registration.objects.get(event=event, email="p1@example.org"))


def test_cancel_after_the_start_is_refused(nijkerk):
    event = meeting(capacity=1)
    first, _waiting = sign_up(event, 2)
    _past(event)
    with pytest.raises(services.Refused) as refused:
        services.cancel(first)
    assert refused.value.code == "past"
    assert statuses(event) == ["aangemeld", "wachtlijst"]


def test_mail_registered_reaches_only_those_with_a_place(nijkerk):
    event = meeting(capacity=1)
    sign_up(event, 2)
    assert services.mail_registered(event, subject="Parkeren", body="Parkeer achter.") == 1
    [mail] = outbox(services.PURPOSE_MAILING)
    assert mail.to == "p0@example.org" and "Parkeer achter." in mail.body


@pytest.mark.parametrize("job", ["mail_registered", "cancel_event", "send_reminders"])
def test_mailing_many_people_costs_no_lookup_per_person(nijkerk, job):
    """The cancel link in each mail needs the meetings page: looked up once per meeting, not
    per person (it was two queries a person: 1,000 for a meeting of 500)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(count):
        event = meeting(timezone.now() + datetime.timedelta(days=1, minutes=30))
        sign_up(event, count, now=timezone.now() - datetime.timedelta(days=3))
        run = {
            "mail_registered": lambda: services.mail_registered(event, subject="Let op", body="x"),
            "cancel_event": lambda: services.cancel_event(event, reason="Ziek"),
            "send_reminders": lambda: services.send_reminders(),
        }[job]
        with CaptureQueriesContext(connection) as captured:
            run()
        return len(captured)

    few, many = queries(2), queries(12)
    # What remains per person is their own rows: the outbox insert; for a reminder also the
    # claim and its savepoint; calling off also the status step (lock, history row, save).
    per_person = {"mail_registered": 1, "send_reminders": 4, "cancel_event": 6}[job]
    assert many - few <= 10 * per_person
