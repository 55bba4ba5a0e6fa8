"""Crisis help in Chromium on a phone (issue 14, item 4).

Given the production server on a fresh database, when a person searches "i want to kill myself"
on a phone, the crisis card with 988 and 911 is the first thing under the heading, inside the
first screen and above every result; the emergency notice at the foot of the page names 988
beside 911 and links the crisis page; axe-core finds no WCAG 2.1 A/AA violation.
"""

import pytest
from playwright.sync_api import expect
from support import PHONE, axe_violations

pytestmark = pytest.mark.browser



def test_a_phone_shows_the_crisis_card_first_and_988_in_the_emergency_notice(server, page):
    page.goto(server["base"] + "/")
    page.get_by_role("searchbox", name="Search the guide").fill("i wanna kil myslef")
    page.get_by_role("searchbox", name="Search the guide").press("Enter")
    card = page.locator("[data-crisis-card]")
    expect(card).to_be_visible()
    expect(card.get_by_role("link", name="988")).to_have_attribute("href", "tel:988")
    expect(card.get_by_role("link", name="911")).to_have_attribute("href", "tel:911")
    box = card.bounding_box()
    assert box["y"] + 40 < PHONE["height"], box  # its heading and first line are on the first screen
    first_result = page.locator("ol.search-results > li").first
    if first_result.count():
        assert first_result.bounding_box()["y"] > box["y"] + box["height"]
    assert page.locator(".search-answer").count() == 0
    assert axe_violations(page) == []

    notice = page.locator(".emergency-notice")
    notice.scroll_into_view_if_needed()
    expect(notice.locator("[data-crisis-line]").get_by_role("link", name="988")).to_be_visible()
    expect(notice).to_contain_text("911")
    notice.get_by_role("link", name="More crisis help").click()
    expect(page.locator("h1")).to_contain_text("Crisis help")
    assert axe_violations(page) == []
