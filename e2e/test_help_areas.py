"""Issue 10, item 6: the local contacts serve the whole municipality, so filtering /hulp/ on
Hoevelaken (a kern without contacts of its own) shows them, on a phone, without JavaScript too."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("javascript", [True, False])
def test_filter_on_hoevelaken_shows_the_local_contacts(site, browser, javascript):
    context = browser.new_context(
        locale="nl-NL", viewport={"width": 390, "height": 844}, java_script_enabled=javascript
    )
    page = context.new_page()
    page.goto(f"{site.url}/hulp/")
    page.locator("summary", has_text="Filter").first.click()
    page.get_by_label("Hoevelaken", exact=True).check()
    page.get_by_role("button", name="Toon").first.click()
    expect(page).to_have_url(f"{site.url}/hulp/?gebied=hoevelaken", timeout=10_000)
    for name in ("Lianne van Egmond", "Kristel Kreijne", "Esther van den Hof", "Jan Bjsterbosch"):
        expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Drugs Infolijn", exact=True)).to_have_count(0)
    context.close()
