"""On a phone: choose "mijn kind", narrow down to phone help, open an offer, and find a phone
link that dials."""

import pytest
from playwright.sync_api import expect


@pytest.mark.browser
def test_parent_finds_a_number_to_call(site, page, axe):
    page.goto(site.url + "/")
    page.get_by_role("link", name="Ik zoek hulp").first.click()
    page.get_by_role("link", name="mijn kind").click()
    assert "voor=ouders" in page.url
    expect(page.get_by_label("Ouders")).to_be_checked()

    page.locator(
        ".sa-filters summary"
    ).click()  # on a phone the filters are folded below the crisis numbers
    page.get_by_label("Bellen").check()
    page.get_by_role("button", name="Toon hulp").click()
    assert "hoe=telefoon" in page.url and "voor=ouders" in page.url
    status = page.locator("#aantal-resultaten")
    expect(status).to_have_attribute("role", "status")
    count = int(status.inner_text().split()[0])
    assert count == page.locator(".sa-offer").count() > 0

    page.locator(".sa-offer h3 a", has_text="Drugs Infolijn").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Drugs Infolijn")
    call = page.get_by_role("link", name="Bel 0900-1995")
    assert call.get_attribute("href") == "tel:09001995"
    assert axe(page) == []
