"""Denk mee on a phone: the list and an idea (anonymous), a new idea with errors then sent, and
support, comment, reply and report. axe runs on every screen (0 violations).

Signing in is not what these tests are about and the account screens are another part of the
work: a fixture makes the account with its display name and hands the browser a session cookie
(Django's force_login), nothing else is written behind the browser's back."""

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from playwright.sync_api import expect

from samenaanpak.participation.models import Comment, CommentReport, Idea, Support
from samenaanpak.participation.status import IdeaStatus
from samenaanpak.participation.tests.factories import public_account, public_idea

SHOTS = Path(__file__).resolve().parents[1] / "var" / "screenshots" / "ideas"


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _sign_in(page, site, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": site.url}]
    )


@pytest.mark.browser
def test_list_and_an_idea_for_a_visitor(site, page, axe):
    page.goto(site.url + "/denk-mee/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Denk mee")
    expect(page.get_by_role("heading", name="Zo werkt het")).to_be_visible()
    expect(page.locator(".sa-idea")).to_have_count(4)
    assert axe(page) == []
    _shot(page, "1-lijst")

    page.get_by_label("Status").select_option(label="Overgenomen")
    page.get_by_role("button", name="Toon ideeën").click()
    expect(page.locator(".sa-idea")).to_have_count(1)
    assert "status=overgenomen" in page.url
    assert axe(page) == []

    page.locator(".sa-idea").get_by_role("link").click()
    expect(page.get_by_role("heading", name="Antwoord van de denktank")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Voorlichtingsavonden op middelbare scholen")
    ).to_be_visible()
    expect(page.get_by_role("link", name="Log in om te steunen")).to_be_visible()
    expect(page.get_by_role("link", name="Log in om te reageren")).to_be_visible()
    assert axe(page) == []
    assert page.csp_errors == []
    _shot(page, "2-idee")


@pytest.mark.browser
def test_new_idea_with_errors_then_sent(site, page, axe):
    newcomer = public_account("Nieuwe Noor", established=False)
    _sign_in(page, site, newcomer)
    page.goto(site.url + "/denk-mee/")
    page.get_by_role("link", name="Geef een idee").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Geef een idee")
    assert axe(page) == []

    page.get_by_label("Titel van uw idee").fill("<b>Sport</b> na school")
    page.get_by_role("button", name="Idee versturen").click()
    summary = page.locator(".sa-error-summary")
    expect(summary).to_be_focused()
    assert page.title().startswith("Fout:")
    expect(page.get_by_label("Titel van uw idee")).to_have_value("<b>Sport</b> na school")
    assert axe(page) == []
    _shot(page, "3-nieuw-fouten")
    summary.get_by_role("link", name="Beschrijf uw idee.").click()
    expect(page.locator("#id_text")).to_be_focused()

    page.get_by_label("Aan welke denktank geeft u uw idee?").select_option(label="Preventie")
    page.locator("#id_text").fill("Laat sportclubs na schooltijd gratis trainingen geven.")
    page.get_by_role("button", name="Idee versturen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("<b>Sport</b> na school")
    expect(page.get_by_text("bekijkt een moderator het eerst")).to_be_visible()
    assert axe(page) == []
    _shot(page, "4-nieuw-verstuurd")
    assert Idea.objects.get(author=newcomer).status == IdeaStatus.WAITING


@pytest.mark.browser
def test_support_comment_reply_and_report(site, page, axe):
    author = public_account("Idee-gever")
    idea = public_idea(author, title="Een ontmoetingsplek voor jongeren")
    me = public_account("Sanne")
    _sign_in(page, site, me)
    page.goto(f"{site.url}/denk-mee/{idea.pk}/")

    page.get_by_role("button", name="Steun dit idee").click()
    expect(page.get_by_text("U steunt dit idee.")).to_be_visible()
    assert Support.objects.filter(idea=idea, user=me).exists()
    assert axe(page) == []

    page.get_by_label("Uw reactie").fill("Goed plan, ik help mee.")
    page.get_by_role("button", name="Reactie plaatsen").click()
    expect(page.locator(".sa-comment")).to_have_count(1)
    expect(page.get_by_text("Goed plan, ik help mee.")).to_be_visible()
    assert axe(page) == []
    _shot(page, "5-steun-reactie")

    other = Comment.objects.create(idea=idea, author=author, text="Reclame: koop nu!")
    from samenaanpak.core.history import record_status

    record_status(other, "zichtbaar")  # someone else's comment, as their form stores it
    page.reload()
    page.get_by_role("link", name="Reageer hierop").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reageer op een reactie")
    page.get_by_role("button", name="Reactie plaatsen").click()
    expect(page.locator(".sa-error-summary")).to_be_focused()
    assert axe(page) == []
    page.get_by_label("Uw reactie").fill("Dank je!")
    page.get_by_role("button", name="Reactie plaatsen").click()
    expect(page.locator(".sa-comments--replies")).to_contain_text("Dank je!")

    page.get_by_role("link", name="Meld deze reactie").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reactie melden")
    assert axe(page) == []
    page.get_by_label("Spam").check()
    page.get_by_role("button", name="Melding versturen").click()
    expect(page.get_by_text("Bedankt voor uw melding")).to_be_visible()
    assert axe(page) == []
    _shot(page, "6-gemeld")
    assert CommentReport.objects.get(reporter=me).reason == "spam"
    assert page.csp_errors == []
