"""Denk mee's back office in a real browser: a moderator links an authenticator app through the
real setup screens, publishes a new account's first idea from the queue; a think-tank member does
the same, answers "overgenomen" first without an action (an error at the field), then with one.
axe on the queue and on the answer form with its error."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from samenaanpak.core.models import OutgoingEmail
from samenaanpak.participation.models import Idea
from samenaanpak.participation.status import IdeaStatus
from samenaanpak.plan.models import Action
from samenaanpak.tests.factories import UserFactory

from .two_factor import enrol, sign_out


def _staff(username, group):
    user = UserFactory(username=username, email=f"{username}@gemeente.example")
    user.groups.add(Group.objects.get(name=group))
    return user


def _waiting_idea():
    """What the public side stores for a new account's first idea (made here directly: this test
    is about the back office)."""
    from samenaanpak.accounts.models import Profile
    from samenaanpak.core.history import record_status
    from samenaanpak.plan.models import ThinkTankPage

    author = UserFactory(username="nieuwe-bewoner", email="bewoner@example.org")
    Profile.objects.create(user=author, display_name="Bewoner")
    idea = Idea.objects.create(
        think_tank=ThinkTankPage.objects.get(slug="preventie"),
        author=author,
        title="Voorlichting op de sportclub",
        text="Laat trainers praten over drugs, niet alleen de school.",
    )
    record_status(idea, IdeaStatus.WAITING)
    return idea


@pytest.mark.browser
def test_moderator_publishes_and_think_tank_answers_with_an_action(
    site_examples_made_real, browser, axe
):
    site = site_examples_made_real
    _staff("moderator", "Moderator")
    _staff("lid-preventie", "Denktank Preventie")
    idea = _waiting_idea()
    action = Action.objects.filter(goal__think_tank__slug="preventie", is_example=False).first()

    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    enrol(page, site.url + "/beheer/denk-mee/moderatie/", "moderator")
    page.goto(site.url + "/beheer/denk-mee/moderatie/")
    expect(page.get_by_role("heading", name="Voorlichting op de sportclub")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert axe(page) == []
    # Refusing without a reason: the error at the field, nothing decided.
    page.get_by_role("button", name="Niet plaatsen").click()
    summary = page.get_by_role("alert")
    expect(summary.get_by_role("link", name="Geef een reden")).to_be_visible()
    expect(page.locator(".error-message", has_text="Geef een reden")).to_be_visible()
    assert page.title().startswith("Fout:")
    page.wait_for_load_state("networkidle")
    assert axe(page) == []
    page.get_by_role("button", name="Plaatsen", exact=True).click()
    expect(page.get_by_text("staat op de site")).to_be_visible()
    expect(page.get_by_text("Er wachten geen ideeën.")).to_be_visible()
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.RECEIVED
    sign_out(page)

    enrol(page, site.url + "/beheer/denk-mee/", "lid-preventie")
    page.goto(site.url + "/beheer/denk-mee/")
    page.get_by_role("link", name="Voorlichting op de sportclub").click()
    page.get_by_label("Overgenomen", exact=True).check()
    page.get_by_label("Toelichting (openbaar, bij het idee)").fill(
        "Goed idee: we nemen het mee in de voorlichting."
    )
    page.get_by_role("button", name="Antwoord opslaan").click()
    expect(page.get_by_role("alert")).to_contain_text("Acties van het plan")
    assert page.title().startswith("Fout:")
    page.wait_for_load_state("networkidle")
    assert axe(page) == []
    # Nothing typed is lost.
    assert (
        page.get_by_label("Toelichting (openbaar, bij het idee)")
        .input_value()
        .startswith("Goed idee")
    )
    page.get_by_label(action.title, exact=False).first.check()
    page.get_by_role("button", name="Antwoord opslaan").click()
    expect(
        page.get_by_text("Het antwoord op “Voorlichting op de sportclub” is opgeslagen")
    ).to_be_visible()
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.ADOPTED and list(idea.actions.all()) == [action]
    assert OutgoingEmail.objects.filter(to="bewoner@example.org").count() == 2  # placed, answered
    context.close()


@pytest.mark.browser
def test_on_a_phone_the_moderator_reads_the_whole_title_and_where_they_are(site, browser, axe):
    """Walked on a phone: the idea's title sat in Wagtail's panel header, which never wraps, so a
    long title ran off the screen (a moderator decided without reading it); the header said
    "Home" instead of "Moderatie"."""
    _staff("moderator", "Moderator")
    idea = _waiting_idea()
    idea.title = "Een vaste avond in de bibliotheek waar ouders elkaar ontmoeten en vragen stellen"
    idea.save()

    context = browser.new_context(
        locale="nl-NL", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    enrol(page, site.url + "/beheer/denk-mee/moderatie/", "moderator")
    page.goto(site.url + "/beheer/denk-mee/moderatie/")
    page.wait_for_load_state("networkidle")
    heading = page.get_by_role("heading", name=idea.title)
    expect(heading).to_be_visible()
    box = heading.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    expect(page.locator("[data-w-breadcrumbs]")).to_contain_text("Moderatie")
    assert axe(page) == []
    context.close()


SHOTS = Path(__file__).resolve().parents[1] / "var" / "screenshots" / "denkmee-backoffice"


def _overflowing(page) -> list[str]:
    """Elements of the main content that stick out of the screen (a phone must not scroll
    sideways to read a row)."""
    return page.evaluate("""() => [...document.querySelectorAll('main *')]
        .filter(e => e.getBoundingClientRect().right > innerWidth + 1)
        .filter(e => !e.closest('.w-sr-only'))
        .map(e => e.tagName + '.' + e.className)""")


@pytest.mark.browser
def test_on_a_phone_the_ideas_list_fits_and_staff_find_the_back_office(site, browser, axe):
    """Walked on a phone (390 px): the back office's list of ideas had five columns and ran off
    the screen; a member who opened an idea on the public site was offered forms meant for
    residents. Also the queue's new sections (reported comments, recent decisions) on a phone."""
    from samenaanpak.accounts.models import Profile
    from samenaanpak.participation import moderation, services
    from samenaanpak.plan.models import ThinkTankPage

    SHOTS.mkdir(parents=True, exist_ok=True)
    _staff("lid-preventie", "Denktank Preventie")
    moderator = _staff("moderator", "Moderator")
    preventie = ThinkTankPage.objects.get(slug="preventie")
    author = UserFactory(username="bewoner", email="bewoner@example.org")
    Profile.objects.create(user=author, display_name="Bewoner")
    long_title = "Een vaste avond in de bibliotheek waar ouders elkaar ontmoeten en vragen stellen"
    ideas = [
        services.submit_idea(author=author, think_tank=preventie, title=title, text="Uitleg.")
        for title in (long_title, "Voorlichting op de sportclub", "Meer jongerenwerk")
    ]
    moderation.publish_idea(ideas[0], moderator, expected=IdeaStatus.WAITING)

    context = browser.new_context(
        locale="nl-NL", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    enrol(page, site.url + "/beheer/denk-mee/", "lid-preventie")
    page.goto(site.url + "/beheer/denk-mee/")
    page.wait_for_load_state("networkidle")
    link = page.get_by_role("link", name=long_title)
    expect(link).to_be_visible()
    page.screenshot(path=SHOTS / "ideas-phone.png", full_page=True)
    assert _overflowing(page) == []
    assert axe(page) == []
    # What a phone user needs per row: the title (a link), its status, think tank and date.
    row = page.get_by_role("row").filter(has=link)
    expect(row).to_contain_text("Ontvangen")
    expect(row).to_contain_text("Preventie")

    # The public idea page: no residents' forms, the way back to the back office.
    page.goto(site.url + f"/denk-mee/{ideas[0].pk}/")
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("U bent ingelogd met een beheeraccount")).to_be_visible()
    expect(page.get_by_role("button", name="Steun dit idee")).to_have_count(0)
    page.screenshot(path=SHOTS / "idea-as-staff-phone.png", full_page=True)
    assert axe(page) == []
    page.get_by_role("link", name="Dit idee in het beheer").first.click()
    expect(page.get_by_role("heading", name=f"Antwoord op “{long_title}”")).to_be_visible()
    sign_out(page)

    # The moderator on a phone: a reported comment that is still visible, and undoing a refusal
    # from "Recent beslist" after a confirm step.
    resident = UserFactory(username="melder", email="melder@example.org")
    Profile.objects.create(user=resident, display_name="Melder")
    comment = services.add_comment(ideas[0], author, "Dit is een twijfelachtige reactie.")
    services.report_comment(comment, resident, "spam", "Lijkt op reclame")
    moderation.reject_idea(ideas[1], moderator, "Dit idee staat er al.")
    enrol(page, site.url + "/beheer/denk-mee/moderatie/", "moderator")
    page.goto(site.url + "/beheer/denk-mee/moderatie/")
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("Dit is een twijfelachtige reactie.")).to_be_visible()
    expect(page.get_by_text("Lijkt op reclame")).to_be_visible()
    page.screenshot(path=SHOTS / "queue-phone.png", full_page=True)
    page.locator("#gemeld").scroll_into_view_if_needed()
    page.screenshot(path=SHOTS / "queue-phone-reported.png")
    page.locator("#recent-beslist").scroll_into_view_if_needed()
    page.screenshot(path=SHOTS / "queue-phone-recent.png")
    assert _overflowing(page) == []
    assert axe(page) == []
    page.get_by_role("link", name="Herzien (Voorlichting op de sportclub)").click()
    expect(page.get_by_text("Dit idee staat er al.")).to_be_visible()
    page.wait_for_load_state("networkidle")
    page.screenshot(path=SHOTS / "undo-phone.png", full_page=True)
    assert _overflowing(page) == []
    assert axe(page) == []
    page.get_by_role("button", name="Terug in de wachtrij").click()
    expect(page.get_by_text("wacht weer op een besluit")).to_be_visible()
    expect(page.get_by_role("heading", name="Voorlichting op de sportclub")).to_be_visible()
    ideas[1].refresh_from_db()
    assert ideas[1].status == IdeaStatus.WAITING
    # The reports did not hold: handled, the comment stays.
    page.get_by_role("button", name="Meldingen afhandelen, reactie blijft").click()
    expect(page.get_by_text("De meldingen zijn afgehandeld")).to_be_visible()
    expect(page.get_by_text("Dit is een twijfelachtige reactie.")).to_have_count(0)
    context.close()
