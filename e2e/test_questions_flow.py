"""Asking the policy officer a question on a phone: an error first, then the confirmation. axe
runs on the empty form, the form with errors, the confirmation and the FAQ."""

import pytest
from playwright.sync_api import expect

from samenaanpak.questions.models import Question


@pytest.mark.browser
def test_question_with_error_fixed_then_sent(site, page, axe, settings):
    settings.FORM_MIN_FILL_SECONDS = 0
    page.goto(site.url + "/vragen/")
    assert axe(page) == []

    page.get_by_label("Uw naam (niet verplicht)").fill("Anna")
    page.get_by_label("Uw e-mailadres (niet verplicht)").fill("anna@")
    page.get_by_role("button", name="Vraag versturen").click()

    summary = page.locator(".sa-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()  # the summary takes focus, without JavaScript (autofocus)
    assert page.title().startswith("Fout:")
    assert axe(page) == []
    expect(page.get_by_label("Uw naam (niet verplicht)")).to_have_value(
        "Anna"
    )  # nothing typed is lost
    summary.get_by_role("link", name="Vul uw vraag in.").click()
    expect(page.locator("#id_text")).to_be_focused()

    page.locator("#id_text").fill("Is er in Hoevelaken een inloop voor ouders?")
    page.get_by_label("Uw e-mailadres (niet verplicht)").fill("anna@example.org")
    page.locator("#id_consent").check()
    page.get_by_role("button", name="Vraag versturen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Uw vraag is verstuurd")
    question = Question.objects.get()
    expect(page.locator(".sa-reference")).to_have_text(question.reference)
    assert axe(page) == []
    assert page.csp_errors == []

    page.get_by_role("link", name="Bekijk de veelgestelde vragen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Veelgestelde vragen")
    assert axe(page) == []
