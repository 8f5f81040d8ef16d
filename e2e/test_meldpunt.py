"""The meldpunt end to end, on a phone: a reporter submits with a photo and gets the code; a
handler signs in for the first time (password, which unwraps the meldpunt key, then linking an
authenticator app) and replies; the reporter opens the report with the code, reads the reply and
answers. axe on every public step."""

import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from samenaanpak.reports.demo import DEMO_HANDLER, DEMO_PASSWORD
from samenaanpak.reports.models import Message, Report

from .two_factor import enrol


def _no_violations(axe, page, where):
    violations = axe(page)
    assert violations == [], (where, violations)


@pytest.mark.browser
def test_report_reply_and_answer(site, page, browser, axe, tmp_path):
    photo = tmp_path / "IMG_20261128.jpg"
    Image.new("RGB", (120, 90), (30, 90, 160)).save(photo, format="JPEG")

    page.goto(site.url + "/melden/")
    _no_violations(axe, page, "form")
    page.get_by_role("button", name="Melding versturen").click()
    expect(page.get_by_role("alert")).to_contain_text("Beschrijf wat er is gebeurd")
    _no_violations(axe, page, "form with errors")
    page.get_by_label("Waar gaat uw melding over?").select_option(label="Drugshandel of overlast")
    page.get_by_label("Wat is er gebeurd of wat is uw zorg?").fill(
        "Elke vrijdagavond wordt er gedeald bij het fietsenhok."
    )
    page.get_by_label("In welke plaats? (niet verplicht)").select_option("hoevelaken")
    page.locator("#id_photos").set_input_files(str(photo))
    page.get_by_role("button", name="Melding versturen").click()
    expect(page.get_by_role("heading", name="Uw melding is ontvangen")).to_be_visible()
    _no_violations(axe, page, "receipt")
    receipt = "-".join(page.locator(".sa-receipt__group").all_inner_texts())
    assert re.fullmatch(r"([0-9A-Z]{4}-){4}[0-9A-Z]{4}", receipt)
    assert receipt not in page.url

    # The handler, in another browser (context): after the app is linked, the page that was asked
    # for opens and the key from the password step reads the report, without the unlock page.
    handler_context = browser.new_context(locale="nl-NL")
    office = handler_context.new_page()
    enrol(office, site.url + "/beheer/meldpunt/", DEMO_HANDLER, DEMO_PASSWORD)
    office.wait_for_url(re.compile(r".*/beheer/meldpunt/$"))
    report = Report.objects.get()
    office.get_by_role("link", name=report.number).click()
    expect(office.get_by_text("Elke vrijdagavond wordt er gedeald")).to_be_visible()
    assert office.locator("img[alt^='Foto 1']").evaluate("img => img.naturalWidth") == 120
    office.locator("#id_message-text").fill("Dank u wel. Weet u ook rond welk tijdstip?")
    office.get_by_role("button", name="Bericht versturen").click()
    expect(office.get_by_text("Bericht verstuurd")).to_be_visible()
    handler_context.close()

    # The reporter comes back with the code, typed carelessly.
    page.goto(site.url + "/melden/mijn-melding/")
    _no_violations(axe, page, "lookup")
    page.get_by_label("Uw meldcode").fill(receipt.lower().replace("-", " "))
    page.get_by_role("button", name="Melding openen").click()
    expect(page.get_by_text("Weet u ook rond welk tijdstip?")).to_be_visible()
    _no_violations(axe, page, "my report")
    page.get_by_label("Aanvulling of antwoord").fill("Meestal tussen negen en tien uur.")
    page.get_by_role("button", name="Versturen", exact=True).click()
    expect(page.get_by_text("Uw aanvulling is verstuurd")).to_be_visible()
    _no_violations(axe, page, "after answering")
    assert Message.objects.filter(kind=Message.Kind.FROM_REPORTER).count() == 1
    page.get_by_role("button", name="Afsluiten").click()
    expect(page.get_by_role("heading", name="Uw melding is gesloten")).to_be_visible()
    assert not [c for c in page.context.cookies() if c["name"] == "meldpunt_sessie"]

    page.goto(site.url + "/melden/cijfers/")
    expect(page.get_by_role("cell", name="< 5").first).to_be_visible()
    _no_violations(axe, page, "figures")
    assert page.csp_errors == []
