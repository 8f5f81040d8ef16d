"""A think-tank member signs in with password and TOTP code, moves an action forward, and the
public think-tank page shows the new state."""

import pytest
from django.contrib.auth.models import Group
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from samenaanpak.plan.models import Action
from samenaanpak.tests.factories import UserFactory


def current_code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.mark.browser
def test_think_tank_member_updates_action_after_two_factor_login(site, page):
    user = UserFactory(username="lid-preventie")
    user.groups.add(Group.objects.get(name="Denktank Preventie"))
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    action = Action.objects.get(title="Weerbaarheidstraining bij sportverenigingen")  # gepland

    page.goto(site.url + "/beheer/")
    assert "/beheer/account/login/" in page.url
    page.get_by_label("Gebruikersnaam").fill("lid-preventie")
    page.get_by_label("Wachtwoord").fill("een-lang-wachtwoord-123")
    page.get_by_role("button", name="Volgende").click()
    page.get_by_label("Token").fill(current_code(device))
    page.get_by_role("button", name="Volgende").click()
    page.wait_for_url(site.url + "/beheer/")

    page.goto(f"{site.url}/beheer/acties/edit/{action.pk}/")
    # First a step the table does not allow: from "gepland" straight to "afgerond".
    page.locator("#id_new_status").select_option("afgerond")
    page.locator("#id_new_progress").fill("100")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("kan een actie niet naar")).to_be_visible()
    assert action.events.count() == 1

    page.locator("#id_new_status").select_option("in_uitvoering")
    page.locator("#id_new_progress").fill("25")
    page.locator("#id_note").fill("Eerste club doet mee")
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_url(f"{site.url}/beheer/acties/")
    assert action.events.count() == 2

    page.goto(site.url + "/denktanks/preventie/")
    card = page.locator(".sa-action", has_text="Weerbaarheidstraining bij sportverenigingen")
    assert "In uitvoering" in card.inner_text() and "25% klaar" in card.inner_text()
