"""The meldcode on a phone: one line, large, with a copy button where the browser can copy. It
broke over nine lines at 390 px (an alert's icon column squeezed it)."""

import pytest
from playwright.sync_api import expect


@pytest.mark.browser
@pytest.mark.parametrize("width", [320, 390])
def test_the_meldcode_is_one_line_on_a_phone_and_can_be_copied(site, browser, axe, width):
    context = browser.new_context(locale="nl-NL", viewport={"width": width, "height": 844})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.url)
    page = context.new_page()
    page.goto(site.url + "/melden/")
    page.get_by_label("Wat is er gebeurd of wat is uw zorg?").fill(
        "Er wordt gedeald bij het station."
    )
    page.get_by_role("button", name="Melding versturen").click()
    code = page.locator(".sa-receipt__code")
    expect(code).to_be_visible()
    page.screenshot(path=f"/tmp/meldcode-{width}.png")
    text = "-".join(page.locator(".sa-receipt__group").all_inner_texts())
    lines = code.evaluate("""e => { const range = document.createRange(); range.selectNodeContents(e);
        return new Set([...range.getClientRects()].map(r => Math.round(r.bottom))).size; }""")
    assert lines == 1
    assert code.evaluate("e => e.scrollWidth <= e.clientWidth")  # nothing cut off either
    assert code.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= 15
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    page.get_by_role("button", name="Kopieer de code").click()
    expect(page.locator(".sa-receipt__copied")).to_have_text("Gekopieerd")
    assert page.evaluate("() => navigator.clipboard.readText()") == text
    assert axe(page) == []
    context.close()


@pytest.mark.browser
def test_the_report_form_fields_are_easy_to_use_on_a_phone(site, page):
    """A tiny unstyled date field, an unstyled file button and the jargon "kern"."""
    page.goto(site.url + "/melden/")
    date = page.get_by_label("Wanneer was het? (niet verplicht)")
    assert date.bounding_box()["height"] >= 44
    button = page.locator("#id_photos").evaluate(
        "e => { const s = getComputedStyle(e, '::file-selector-button'); return [s.borderTopWidth, s.minHeight]; }"
    )
    assert button == ["2px", "44px"]
    expect(page.get_by_label("In welke plaats? (niet verplicht)")).to_be_visible()
    assert "kern" not in page.locator("main").inner_text().lower()
