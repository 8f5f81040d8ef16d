"""The meetings' back office (/beheer/bijeenkomsten/) in a real browser, through real screens only.

A member of denktank Preventie (the organisers of the parent evening) signs in with a password and
links an authenticator app on the real two-factor screens, opens Bijeenkomsten from the menu, then
the meeting: the registered and the waiting list. They print the sign-in list, download the CSV,
send a message to everyone registered (it arrives; the waiting list gets none) and call the
meeting off (first without the checkbox: an error; then everyone registered and waiting gets a
mail with a calendar file that says STATUS:CANCELLED). The public page then says it is called off
and has no form. axe (0 violations) on every back-office screen.

The people who signed up are set up through events.services.register (the sign-up form's code
path); the organiser's account and group are the starting point. Mail goes through the outbox, the
task worker and a real SMTP server on loopback."""

import csv
import io
import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from samenaanpak.tests.factories import UserFactory

from .screens import DESKTOP, new_page
from .test_bijeenkomsten import (
    EVENT_PATH,
    TITLE,
    calendar_of,
    fill,
    mails_to,
    parent_evening,
    public_screen,
    run_worker,
    staff_screen,
    subject_of,
    text_of,
)
from .two_factor import enrol

LIST = "/beheer/bijeenkomsten/"


@pytest.mark.browser
def test_organiser_sees_lists_downloads_csv_mails_everyone_and_calls_the_meeting_off(
    site, browser, axe, smtp, db_tasks, settings
):
    from samenaanpak.events.models import Registration

    settings.SITE_URL = site.url
    organiser = UserFactory(username="lid-preventie", email="lid@gemeente.example")
    organiser.groups.add(Group.objects.get(name="Denktank Preventie"))
    event = parent_evening()
    fill(event, registered=2, capacity=2, waiting=1)  # Buur 1, Buur 2; Wachtende 1 waits
    run_worker()
    smtp.inbox.messages.clear()

    page = new_page(browser, DESKTOP)
    enrol(page, site.url + "/beheer/", "lid-preventie")
    page.goto(site.url + "/beheer/")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Bijeenkomsten"
    ).click()
    page.wait_for_url(f"**{LIST}")
    upcoming = page.get_by_role("table", name="Komende bijeenkomsten")
    row = upcoming.get_by_role("row").filter(has_text=TITLE)
    expect(row).to_contain_text("2 van 2")
    expect(row.get_by_role("cell").last).to_have_text("1")
    staff_screen(page, axe, "beheer-01-lijst")

    row.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    registered = page.get_by_role("table", name=re.compile("^Aangemeld"))
    expect(registered.get_by_role("row")).to_have_count(3)  # the header and two people
    expect(registered).to_contain_text("Buur 1")
    expect(registered).to_contain_text("buur2@example.org")
    waiting = page.get_by_role("table", name=re.compile("^Wachtlijst"))
    expect(waiting.get_by_role("row").nth(1)).to_contain_text("1")
    expect(waiting.get_by_role("row").nth(1)).to_contain_text("Wachtende 1")
    staff_screen(page, axe, "beheer-02-aanmeldingen")
    registrations_url = page.url

    # The sign-in list, to print.
    page.get_by_role("link", name="Presentielijst (afdrukken)").click()
    expect(page.get_by_text("Buur 1")).to_be_visible()
    expect(page.get_by_text("Wachtende 1")).to_have_count(0)
    staff_screen(page, axe, "beheer-03-presentielijst")
    page.goto(registrations_url)

    # The CSV: for Dutch Excel (BOM, semicolons), registered then waiting.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Aanmeldingen downloaden (CSV)").click()
    download = download_info.value
    assert download.suggested_filename == "aanmeldingen-ouderavond-drugs-en-uitgaan.csv"
    content = open(download.path(), encoding="utf-8").read()
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["Naam", "E-mailadres", "Status", "Aangemeld op", "Plaats op wachtlijst"]
    assert [row[:3] for row in rows[1:]] == [
        ["Buur 1", "buur1@example.org", "Aangemeld"],
        ["Buur 2", "buur2@example.org", "Aangemeld"],
        ["Wachtende 1", "wacht1@example.org", "Op de wachtlijst"],
    ]
    assert [row[4] for row in rows[1:]] == ["", "", "1"]
    assert all(re.fullmatch(r"\d\d-\d\d-\d{4} \d\d:\d\d", row[3]) for row in rows[1:])

    # A message to everyone registered.
    page.get_by_role("link", name="Bericht aan alle aangemelden").click()
    expect(page.get_by_text("Dit bericht gaat naar 2 aangemelde personen.")).to_be_visible()
    staff_screen(page, axe, "beheer-04-bericht")
    page.get_by_label("Onderwerp").fill("Parkeren bij de bibliotheek")
    page.get_by_label("Bericht").fill("Parkeer op het plein achter de bibliotheek; dat is gratis.")
    page.get_by_role("button", name="Bericht versturen").click()
    expect(page.get_by_text("Het bericht gaat naar 2 aangemelde personen.")).to_be_visible()
    run_worker()
    for address in ("buur1@example.org", "buur2@example.org"):
        [message] = mails_to(smtp, address)
        assert subject_of(message) == "Parkeren bij de bibliotheek"
        body = text_of(message)
        assert "Parkeer op het plein achter de bibliotheek" in body
        assert "/bijeenkomsten/afmelden/" in body  # their own cancel link
    assert mails_to(smtp, "wacht1@example.org") == []
    smtp.inbox.messages.clear()

    # Calling it off: without the checkbox an error at the field, nothing called off.
    page.get_by_role("link", name="Bijeenkomst afgelasten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bijeenkomst afgelasten")
    staff_screen(page, axe, "beheer-05-afgelasten")
    reason = "De spreker is ziek. We plannen de avond opnieuw."
    page.get_by_label("Reden van afgelasten").fill(reason)
    page.get_by_role("button", name="Bijeenkomst afgelasten").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Vink aan dat u de bijeenkomst wilt afgelasten.")
    assert page.title().startswith("Fout:")
    expect(page.get_by_label("Reden van afgelasten")).to_have_value(reason)
    event.refresh_from_db()
    assert not event.is_cancelled
    staff_screen(page, axe, "beheer-06-afgelasten-fout")
    page.get_by_label("Ja, afgelasten").check()
    page.get_by_role("button", name="Bijeenkomst afgelasten").click()
    expect(
        page.get_by_text("De bijeenkomst is afgelast. 3 mensen krijgen daarover bericht.")
    ).to_be_visible()
    expect(page.get_by_text(re.compile("Deze bijeenkomst is afgelast op"))).to_be_visible()
    expect(page.get_by_role("link", name="Bijeenkomst afgelasten")).to_have_count(0)
    expect(page.get_by_role("link", name="Bericht aan alle aangemelden")).to_have_count(0)
    staff_screen(page, axe, "beheer-07-afgelast")

    run_worker()
    for address in ("buur1@example.org", "buur2@example.org", "wacht1@example.org"):
        [message] = mails_to(smtp, address)
        assert subject_of(message) == f"Afgelast: {TITLE}"
        assert reason in text_of(message)
        ics = calendar_of(message)
        assert ics.method == "CANCEL"
        assert str(ics["status"]) == "CANCELLED"
        assert int(ics["sequence"]) >= 1
        assert str(ics["url"]) == site.url + EVENT_PATH
    assert set(Registration.objects.values_list("status", flat=True)) == {"afgelast"}
    page.context.close()

    # The public page, on a phone: called off, no form; the list says so too.
    resident = new_page(browser)
    resident.goto(site.url + EVENT_PATH)
    expect(resident.locator(".sa-event-cancelled")).to_contain_text("Deze bijeenkomst is afgelast.")
    expect(resident.locator(".sa-event-cancelled")).to_contain_text(reason)
    expect(resident.locator("#aanmeldformulier")).to_have_count(0)
    expect(resident.locator("#aanmeldknop")).to_have_count(0)
    public_screen(resident, axe, "beheer-08-publiek-afgelast")
    resident.goto(site.url + "/bijeenkomsten/")
    item = resident.locator("li.sa-event", has_text=TITLE)
    expect(item.locator(".sa-badge")).to_have_text(["Voorbeeld", "Afgelast"])
    resident.context.close()
