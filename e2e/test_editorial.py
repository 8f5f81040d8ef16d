"""Example content and facts to confirm, walked in a browser: a resident on a phone reads no
invented figure; a new editor finds what the municipality must still confirm."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from samenaanpak.plan.models import Action, Goal
from samenaanpak.tests.factories import UserFactory

from .two_factor import enrol

pytestmark = pytest.mark.browser


def test_a_resident_on_a_phone_reads_no_invented_progress(site, page, axe):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(site.url + "/plan-van-aanpak/")
    main = page.locator("main")
    expect(main).to_contain_text("nog geen acties")
    assert "voorbeeld" not in main.inner_text().lower()
    assert "%" not in page.locator(".sa-progress__value").first.inner_text()
    page.goto(site.url + "/denktanks/preventie/")
    expect(page.locator("main")).to_contain_text("werkt haar acties nog uit")
    example = Action.objects.filter(goal__think_tank__slug="preventie").first()
    expect(page.locator("main")).not_to_contain_text(example.title)
    assert axe(page) == []


def test_a_new_editor_finds_what_to_confirm_and_opens_it(site, page, axe):
    UserFactory(username="redacteur").groups.add(Group.objects.get(name="Redacteur"))
    enrol(page, f"{site.url}/beheer/", "redacteur")
    page.wait_for_url(f"{site.url}/beheer/")
    # The home page says it, and the link leads to the list.
    page.get_by_role("link", name="Bekijk wat te bevestigen is").click()
    expect(page.get_by_role("heading", name="Te bevestigen door de gemeente")).to_be_visible()
    goal = Goal.objects.exclude(to_confirm="").first()
    page.get_by_role("link", name=goal.title).first.click()
    field = page.get_by_role("textbox", name="Te bevestigen door de gemeente")
    expect(field).to_have_value(goal.to_confirm)
