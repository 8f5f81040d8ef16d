"""Following a think tank without an account, on a phone: the follow link on the (cached) think
tank page, the email form with an error first, the confirmation link from the mail, a digest,
and its one-click unsubscribe link opened in the browser (a page with a button). axe on every
screen; screenshots in /tmp/shots-follow/."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from samenaanpak.core.models import OutgoingEmail
from samenaanpak.notifications import api, sending
from samenaanpak.notifications.models import Subscriber
from samenaanpak.plan.models import ThinkTankPage

SHOTS = Path("/tmp/shots-follow")


def shot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def local(url):
    """A link from a mail (SITE_URL) on the live server."""
    return url.removeprefix(settings.SITE_URL)


@pytest.mark.browser
def test_follow_without_account_confirm_and_unsubscribe(site, page, axe):
    think_tank = ThinkTankPage.objects.order_by("path").first()
    page.goto(site.url + think_tank.url)
    follow = page.get_by_role("link", name=re.compile("^Volgen"))
    expect(follow).to_be_visible()
    shot(page, "1-think-tank")
    follow.click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Volg")
    assert axe(page) == []
    page.get_by_label("Uw e-mailadres").fill("ouder@")
    page.get_by_role("button", name="Stuur mij de bevestigingslink").click()
    expect(page.locator(".sa-error-summary")).to_be_focused()
    assert page.title().startswith("Fout:")
    expect(page.get_by_label("Uw e-mailadres")).to_have_value("ouder@")
    shot(page, "2-form-error")
    assert axe(page) == []

    page.get_by_label("Uw e-mailadres").fill("ouder@example.org")
    page.locator("#id_consent").check()
    page.get_by_role("button", name="Stuur mij de bevestigingslink").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kijk in uw e-mail")
    shot(page, "3-sent")
    assert axe(page) == []

    optin = OutgoingEmail.objects.get(to="ouder@example.org")
    link = re.search(r"https?://\S+/volgen/bevestigen/\S+/", optin.body).group(0)
    page.goto(site.url + local(link))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bevestig dat u wilt volgen")
    shot(page, "4-confirm")
    assert axe(page) == []
    page.get_by_role("button", name="Ja, ik wil dit volgen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("U volgt het nu")
    shot(page, "5-confirmed")
    assert axe(page) == []

    # The settings page through the signed link (no account): what is followed, how often.
    page.get_by_role("link", name="Kies hoe vaak u e-mail krijgt, of stop met volgen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("E-mail over wat u volgt")
    expect(page.get_by_label("Eén keer per dag")).to_be_checked()
    page.get_by_label("Eén keer per week").check()
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status")).to_have_text("Opgeslagen.")
    expect(page.get_by_label("Eén keer per week")).to_be_checked()
    shot(page, "5b-settings")
    assert axe(page) == []
    page.get_by_label("Eén keer per dag").check()
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status")).to_have_text("Opgeslagen.")

    think_tank.refresh_from_db()
    api.post(think_tank.topic, "De denktank zoekt ouders", "Doe mee op 12 maart.", think_tank.url)
    tomorrow = timezone.now() + datetime.timedelta(days=1, hours=1)
    assert sending.send_due(tomorrow) == (1, 1)
    digest = OutgoingEmail.objects.get(purpose=sending.PURPOSE_DIGEST)
    assert "De denktank zoekt ouders" in digest.body
    unsubscribe = digest.headers["List-Unsubscribe"].strip("<>")
    assert digest.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    page.goto(site.url + local(unsubscribe))  # what a link scanner would do: nothing changes
    expect(page.get_by_role("heading", level=1)).to_have_text("Afmelden")
    assert Subscriber.objects.filter(email="ouder@example.org").exists()
    shot(page, "6-unsubscribe")
    assert axe(page) == []
    page.get_by_role("button", name="Afmelden voor alle e-mail").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("U bent afgemeld")
    shot(page, "7-unsubscribed")
    assert axe(page) == []
    assert not Subscriber.objects.filter(email="ouder@example.org").exists()
    assert page.csp_errors == []
