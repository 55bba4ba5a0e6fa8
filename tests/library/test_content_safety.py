"""Safety properties of the written guidance: never under-triage (../shared/clinical rules)."""

import re

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.django_db


def items(client, url):
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    main = soup.select_one("main")
    return [re.sub(r"\s+", " ", el.get_text(" ")) for el in main.select("li, p")]


def test_fever_advice_uses_the_triage_threshold_on_every_page(client, live_pages):
    # side-effect-triage.md: during cancer treatment, 37.5 C (99.5 F) or more, or below 36 C,
    # is an emergency-level call. A page that waits for 38 C (100.4 F) would under-triage.
    for page in live_pages:
        for text in items(client, page.url):
            if "100.4" in text:
                assert "37.5" in text or "includes any fever" in text, (page.url, text)
            if re.search(r"fever|temperature", text, re.I) and "°F" in text and "°C" not in text:
                pytest.fail(f"{page.url}: a temperature without Celsius: {text}")


def test_every_library_page_says_when_to_get_help(client, live_pages):
    from careguide.library.models import ConditionPage, TopicPage, TreatmentPage

    for page in live_pages:
        if isinstance(page, (TopicPage, ConditionPage, TreatmentPage)):
            html = client.get(page.url).content.decode()
            assert "care-card" in html, page.url
        # And every page, of any type, carries the emergency notice in its footer.
        assert "If you have an emergency" in client.get(page.url).content.decode()
