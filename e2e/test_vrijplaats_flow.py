"""The vrijplaats on a phone: its pages for a visitor, joining with an error first, a new topic
that meets the crisis help before it is placed, the thread with its post, and a report. axe on
every screen (0 violations), no CSP errors. Screenshots in var/screenshots/vrijplaats/."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from samenaanpak.accounts.tests.factories import public_account
from samenaanpak.forum.models import Member, Post, Thread

SHOTS = Path(__file__).resolve().parents[1] / "var" / "screenshots" / "vrijplaats"


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _sign_in(page, site, user):
    """The real sign-in screen (never a session written for the person under test)."""
    from e2e.test_vrijplaats import sign_in

    sign_in(page, site, user.email)


def _clean(page, axe, name):
    assert axe(page) == [], name
    assert page.csp_errors == []
    _shot(page, name)


@pytest.mark.browser
def test_visitor_pages(site, page, axe):
    example = Thread.objects.filter(is_example=True, category__asks_professionals=True).get()
    for name, path in [
        ("1-index", "/vrijplaats/"),
        ("2-huisregels", "/vrijplaats/huisregels/"),
        ("3-categorie", "/vrijplaats/vraag-het-een-hulpverlener/"),
        ("4-onderwerp", f"/vrijplaats/onderwerp/{example.pk}/"),
    ]:
        response = page.goto(site.url + path)
        assert response.status == 200
        expect(page.locator("#geen-crisisdienst")).to_be_visible()
        _clean(page, axe, name)


@pytest.mark.browser
def test_join_write_crisis_help_then_place(site, page, axe):
    user = public_account()
    _sign_in(page, site, user)
    page.goto(site.url + "/vrijplaats/praat-erover/nieuw/")
    expect(page).to_have_url(re.compile(r"/vrijplaats/meedoen/"))
    page.get_by_role("button", name="Meedoen").click()
    expect(page.locator(".utrecht-form-field-error-message").first).to_be_visible()
    _clean(page, axe, "5-meedoen-fouten")
    page.get_by_label("Je schuilnaam").fill("Regenboog_16")
    page.get_by_label("Hoe oud ben je?").fill("16")
    page.get_by_label("Ik heb de huisregels gelezen").check()
    page.get_by_role("button", name="Meedoen").click()
    expect(page).to_have_url(re.compile(r"/vrijplaats/praat-erover/nieuw/"))
    assert Member.objects.get(user=user).pseudonym == "Regenboog_16"
    _clean(page, axe, "6-nieuw-onderwerp")

    page.get_by_label("Titel van je onderwerp").fill("Het gaat niet zo goed")
    page.get_by_label("Je bericht").fill("Soms denk ik aan zelfmoord.")
    page.get_by_role("button", name="Onderwerp plaatsen").click()
    expect(page.get_by_role("heading", name=re.compile("je bent niet alleen"))).to_be_visible()
    assert not Post.objects.filter(author__user=user).exists()
    _clean(page, axe, "7-eerst-hulp")
    page.get_by_role("button", name="Plaats mijn bericht").click()
    expect(page.get_by_text("Soms denk ik aan zelfmoord.")).to_be_visible()
    post = Post.objects.get(author__user=user)
    assert post.urgent and post.status == "wacht"  # a new member's crisis post waits, on top
    expect(page.get_by_text("Wacht op een moderator.")).to_be_visible()
    _clean(page, axe, "8-onderwerp-van-mij")


def _width(page):
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.browser
def test_one_long_word_does_not_widen_the_pages_past_a_phone(site, page, axe):
    """300 letters without a space in a title, a pseudonym and a post: every page stays 390 px."""
    from samenaanpak.forum.models import Category
    from samenaanpak.forum.tests.factories import MemberFactory, ThreadFactory, place

    word = "a" * 300
    category = Category.objects.get(slug="praat-erover")
    author = MemberFactory(trusted=True, pseudonym="Lang" + "b" * 26)
    thread = ThreadFactory(category=category, author=author, title="Titel" + word[:115])
    place(thread, author, "Begin " + word, opening=True)
    place(thread, author, word + " en verder")
    reader = MemberFactory(trusted=True)
    _sign_in(page, site, reader.user)
    for name, path in [
        ("9-lang-woord-onderwerp", f"/vrijplaats/onderwerp/{thread.pk}/"),
        ("9-lang-woord-categorie", "/vrijplaats/praat-erover/"),
        ("9-lang-woord-index", "/vrijplaats/"),
    ]:
        assert page.goto(site.url + path).status == 200
        assert _width(page) <= 390, f"{path}: {_width(page)} px wide"
        _clean(page, axe, name)
