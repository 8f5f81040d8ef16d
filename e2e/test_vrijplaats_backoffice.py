"""The vrijplaats's back office in a real browser: a moderator links an authenticator app, finds
an urgent post on top of the queue, tries to remove a reported post without a reason (an error
at the field), removes it with one, and looks at the member's page and the response times.
axe on each screen."""

import pytest
from playwright.sync_api import expect

from samenaanpak.core.models import OutgoingEmail
from samenaanpak.forum.models import Post
from samenaanpak.forum.status import PostStatus
from samenaanpak.forum.tests.factories_mod import CRISIS, REPORTED, mod_post, report, staff_user

from .two_factor import enrol


@pytest.mark.browser
def test_moderator_works_the_queue(site, browser, axe):
    staff_user("moderator", "Moderator")
    reported = mod_post(kind=REPORTED, text="Wie wil er wiet kopen, app me")
    report(reported, reason="dealen", note="Verkoopt")
    mod_post(kind=CRISIS, text="Ik weet het echt niet meer")

    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    queue = site.url + "/beheer/vrijplaats/"
    enrol(page, queue, "moderator")
    page.goto(queue)
    first = page.locator(".sa-moderation-item").first
    expect(first.get_by_text("Urgent: mogelijk in nood")).to_be_visible()
    expect(first.get_by_text("Ik weet het echt niet meer")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert axe(page) == []

    item = page.locator(".sa-moderation-item", has_text="wiet kopen")
    item.get_by_label("Reden bij verbergen").select_option("")
    item.get_by_role("button", name="Verwijderen").click()
    summary = page.get_by_role("alert")
    expect(summary.get_by_role("link", name="Kies de reden")).to_be_visible()
    assert page.title().startswith("Fout:")
    page.wait_for_load_state("networkidle")
    assert axe(page) == []
    item = page.locator(".sa-moderation-item", has_text="wiet kopen")
    item.get_by_label("Reden bij verbergen").select_option("dealen")
    item.get_by_role("button", name="Verwijderen").click()
    expect(page.get_by_text("Het bericht is verwijderd")).to_be_visible()
    assert Post.objects.get(pk=reported.pk).status == PostStatus.REMOVED
    assert "Waarom?" in OutgoingEmail.objects.get(purpose="vrijplaats").body

    # The member's page, from the author of the urgent post that still waits.
    page.locator(".sa-moderation-item").first.get_by_role("link", name="Uil").click()
    expect(page.get_by_role("heading", name="Waarschuwen")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert axe(page) == []
    page.goto(site.url + "/beheer/vrijplaats/reactietijden/")
    expect(page.get_by_role("rowheader", name="laatste 30 dagen").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert axe(page) == []
    page.goto(site.url + "/beheer/vrijplaats/logboek/")
    expect(page.get_by_role("cell", name="Verwijderd", exact=True)).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert axe(page) == []
    context.close()
