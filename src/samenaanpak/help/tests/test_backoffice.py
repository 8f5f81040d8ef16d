"""The help-offer list in the back office: Dutch yes/no and the "gecontroleerd vandaag" action."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from samenaanpak.help.models import HelpOffer

LIST_URL = reverse("wagtailsnippets_help_helpoffer:list")


def mark_checked_url(*offers):
    return (
        reverse("wagtail_bulk_action", args=["help", "helpoffer", "gecontroleerd"])
        + "?"
        + "&".join(f"id={offer.pk}" for offer in offers)
    )


@pytest.fixture
def editor(client, role_users, verified_login):
    return verified_login(client, role_users["redacteur"])


@pytest.mark.django_db
def test_list_and_active_filter_say_ja_nee_not_true_false(editor):
    HelpOffer.objects.filter(name="Drugs Infolijn").update(active=False)
    html = editor.get(LIST_URL).content.decode()
    assert "True" not in html and "False" not in html
    assert "nee" in html

    html = editor.get(LIST_URL, {"active": "false"}).content.decode()
    assert "Drugs Infolijn" in html and "Jellinek Adviespunt" not in html
    assert "True" not in html and "False" not in html
    assert "nee" in html


@pytest.mark.django_db
def test_stale_filter_keeps_working_from_the_home_panel_link(editor):
    HelpOffer.objects.update(last_checked=timezone.localdate())
    HelpOffer.objects.filter(name="Drugs Infolijn").update(last_checked=None)
    html = editor.get(LIST_URL, {"stale": "true"}).content.decode()
    assert "Drugs Infolijn" in html and "Jellinek Adviespunt" not in html


@pytest.mark.django_db
def test_mark_checked_today_sets_the_date_after_confirmation(editor):
    offers = list(HelpOffer.objects.filter(name__in=["Drugs Infolijn", "Jellinek Adviespunt"]))
    HelpOffer.objects.update(last_checked=datetime.date(2020, 1, 1))
    url = mark_checked_url(*offers)

    confirm = editor.get(url)  # a GET only asks
    assert confirm.status_code == 200
    assert "Ja, vandaag gecontroleerd" in confirm.content.decode()
    assert set(HelpOffer.objects.values_list("last_checked", flat=True)) == {
        datetime.date(2020, 1, 1)
    }

    response = editor.post(url, {"next": LIST_URL}, follow=True)
    assert response.status_code == 200
    assert "2 hulpaanbiedingen staan op vandaag gecontroleerd." in response.content.decode()
    for offer in offers:
        offer.refresh_from_db()
        assert offer.last_checked == timezone.localdate()
    others = HelpOffer.objects.exclude(pk__in=[o.pk for o in offers])
    assert set(others.values_list("last_checked", flat=True)) == {datetime.date(2020, 1, 1)}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["denktank_preventie", "anoniem"])
def test_mark_checked_today_needs_change_permission(client, role_users, verified_login, role):
    if role_users[role] is not None:
        verified_login(client, role_users[role])
    offer = HelpOffer.objects.get(name="Drugs Infolijn")
    HelpOffer.objects.filter(pk=offer.pk).update(last_checked=datetime.date(2020, 1, 1))
    response = client.post(mark_checked_url(offer), {"next": LIST_URL})
    assert response.status_code in (302, 403)  # to the login, or back without doing anything
    offer.refresh_from_db()
    assert offer.last_checked == datetime.date(2020, 1, 1)
