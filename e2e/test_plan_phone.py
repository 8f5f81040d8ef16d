"""The plan's progress on a phone: the table was cut off at the right without a hint, and a second,
unlabelled bar sat under each percentage."""

import pytest
from playwright.sync_api import expect


@pytest.mark.browser
def test_the_progress_table_scrolls_with_a_hint_and_the_bars_are_labelled(
    site_examples_made_real, page, axe
):
    site = site_examples_made_real
    page.goto(site.url + "/plan-van-aanpak/")
    region = page.get_by_role(
        "region", name="Acties per denktank, naar status, en de totale voortgang"
    )
    expect(region).to_be_visible()
    expect(page.get_by_text("veeg hem opzij voor alle kolommen")).to_be_visible()
    assert region.evaluate("e => e.scrollWidth > e.clientWidth")  # it scrolls, inside its own box
    assert (
        page.evaluate("() => document.documentElement.scrollWidth") <= 390
    )  # the page itself does not
    region.focus()
    for _ in range(15):  # keyboard users scroll it too
        page.keyboard.press("ArrowRight")
    expect(page.get_by_role("columnheader", name="Voortgang")).to_be_in_viewport()
    expect(page.get_by_text("Acties per status").first).to_be_visible()
    page.screenshot(path="/tmp/plan-phone.png", full_page=True)
    assert axe(page) == []
