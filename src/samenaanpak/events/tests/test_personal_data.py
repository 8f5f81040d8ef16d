"""Download my data and delete my account: the meetings' part (export, erase, the section
"Mijn bijeenkomsten")."""

import datetime

import pytest
from django.utils import timezone

from samenaanpak.accounts import personal_data as registry

from .. import personal_data, services, tokens
from ..models import EventPage, Registration
from .make import local, meeting, outbox, sign_up

pytestmark = pytest.mark.django_db


def test_export_lists_the_accounts_registrations_only(nijkerk, user_factory):
    account, other = user_factory(), user_factory()
    event = meeting(local(2027, 3, 1, 19, 30), title="Ouderavond test")
    services.register(event, name="An", email="an@example.org", user=account)
    services.register(event, name="Bo", email="bo@example.org", user=other)
    exported = registry.collect(account)["events"]
    assert exported == {
        "aanmeldingen": [
            {
                "bijeenkomst": "Ouderavond test",
                "begint": event.start.isoformat(),
                "status": "aangemeld",
                "naam": "An",
                "e-mailadres": "an@example.org",
                "aangemeld_op": exported["aanmeldingen"][0]["aangemeld_op"],
                "herinnerd_op": None,
            }
        ]
    }


def test_erase_cancels_places_ahead_so_the_waiting_list_moves_up(nijkerk, user_factory):
    account = user_factory()
    ahead = meeting(local(2027, 3, 1, 19, 30), capacity=1)
    waiting_ahead = meeting(local(2027, 3, 2, 19, 30), capacity=1)
    past = meeting(local(2027, 3, 3, 19, 30), capacity=5)
    mine = services.register(ahead, name="An", email="an@example.org", user=account)
    sign_up(ahead, 1)  # p0 waits
    sign_up(waiting_ahead, 1, prefix="w")
    queued = services.register(waiting_ahead, name="An", email="an@example.org", user=account)
    gone_by = services.register(past, name="An", email="an@example.org", user=account)
    start = timezone.now() - datetime.timedelta(days=1)
    EventPage.objects.filter(pk=past.pk).update(
        start=start, end=start + datetime.timedelta(hours=2)
    )
    token = tokens.make(mine)
    mails = len(outbox())

    registry.delete_account(account)

    assert Registration.objects.get(pk=mine.pk).status == "afgemeld"
    assert Registration.objects.get(pk=queued.pk).status == "afgemeld"
    assert Registration.objects.get(pk=gone_by.pk).status == "aangemeld"  # the meeting was
    promoted = Registration.objects.get(event=ahead, email="p0@example.org")
    assert promoted.status == "aangemeld"
    for pk in (mine.pk, queued.pk, gone_by.pk):
        row = Registration.objects.get(pk=pk)
        assert (row.name, row.email, row.email_key, row.user_id) == ("", "", "", None)
        assert row.erased_at is not None
    assert tokens.read(token) is None
    # Only the person who moved up is mailed; nothing goes to the erased address.
    new = outbox()[mails:]
    assert [m.to for m in new] == ["p0@example.org"]
    assert services.counts(past) == {"registered": 1, "waiting": 0}


def test_account_section_lists_meetings_ahead_with_a_cancel_link(nijkerk, user_factory):
    account = user_factory()
    event = meeting(local(2027, 3, 1, 19, 30), capacity=1, title="Avond A")
    full = meeting(local(2027, 3, 2, 19, 30), capacity=0, title="Avond B")
    mine = services.register(event, name="An", email="an@example.org", user=account)
    services.register(full, name="An", email="an@example.org", user=account)
    [section] = personal_data.account_sections(account)
    assert str(section["title"]) == "Mijn bijeenkomsten"
    listed = section["context"]["registrations"]
    assert [r.event.title for r in listed] == ["Avond A", "Avond B"]
    assert listed[0].cancel_path == f"/bijeenkomsten/afmelden/{tokens.make(mine)}/"
    services.cancel(mine)
    [section] = personal_data.account_sections(account)
    assert [r.event.title for r in section["context"]["registrations"]] == ["Avond B"]


def test_account_section_renders(nijkerk, user_factory):
    from django.template.loader import render_to_string

    account = user_factory()
    event = meeting(local(2027, 3, 1, 19, 30), title="Avond A")
    services.register(event, name="An", email="an@example.org", user=account)
    [section] = personal_data.account_sections(account)
    html = render_to_string(section["template"], section["context"])
    assert "Avond A" in html and "/bijeenkomsten/afmelden/" in html and "Afmelden" in html
    empty = render_to_string(section["template"], {"registrations": []})
    assert "niet aangemeld" in empty
