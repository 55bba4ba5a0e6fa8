"""Every library page reads at Flesch-Kincaid grade 8 or below; every seed fact is on some
published page; editors see the grade."""

import re

import pytest
import yaml
from bs4 import BeautifulSoup
from django.urls import reverse
from paths import TEST_DATA

from careguide.library.readability import MAX_GRADE, as_sentence, grade, html_segments

pytestmark = pytest.mark.django_db

FACTS = yaml.safe_load((TEST_DATA / "seed_facts.yaml").read_text())


def test_every_live_page_is_at_grade_8_or_below(live_pages):
    from careguide.library.models import LibraryPage, under_house_rules

    # Imported pages are other organisations' words: our reading-grade rule is not theirs.
    ours = set(under_house_rules(LibraryPage.objects.live()).values_list("pk", flat=True))
    live_pages = [page for page in live_pages if page.pk in ours]
    grades = {page.url_path: page.compute_reading_grade() for page in live_pages}
    too_hard = {url: g for url, g in grades.items() if g > MAX_GRADE}
    assert not too_hard, f"pages above grade {MAX_GRADE}: {too_hard}"
    # The stored grade (shown to editors) is the one computed when the page was published.
    for page in live_pages:
        assert float(page.reading_grade) == pytest.approx(grades[page.url_path], abs=0.05)


def test_the_grade_gate_fails_hard_text():
    hard = ("Immunohistochemical characterization of undifferentiated malignancies "
            "necessitates comprehensive interdisciplinary pathological consultation, "
            "notwithstanding considerable institutional variability.")
    easy = "We take a small piece of tissue. A doctor looks at it. Then we talk about what we found."
    assert grade([hard]) > MAX_GRADE
    assert grade([easy]) <= MAX_GRADE


def test_list_items_and_headings_count_as_sentences():
    assert as_sentence("Fever") == "Fever."
    assert as_sentence("Call us now!") == "Call us now!"
    assert html_segments("<h2>Key points</h2><ul><li>One</li><li>Two</li></ul>") == ["Key points", "One", "Two"]


def page_text(client, url):
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    return re.sub(r"\s+", " ", soup.get_text(" ")).lower()


def test_every_seed_fact_is_on_some_published_page(client, live_pages):
    texts = {page.url: page_text(client, page.url) for page in live_pages}

    def on_page(fact, text):
        return all(any(alt.strip().lower() in text for alt in str(term).split("|")) for term in fact["terms"])

    missing = [fact["id"] for fact in FACTS if not any(on_page(fact, t) for t in texts.values())]
    assert len(FACTS) == 80
    assert not missing, f"seed facts on no published page: {missing}"


def test_a_fact_missing_from_the_site_would_be_caught(client, live_pages):
    # The coverage check can fail: a fact whose words appear on no page is reported.
    texts = [page_text(client, page.url) for page in live_pages[:3]]
    fact = {"terms": ["osteosarcoma", "a word that no page uses"]}
    assert not any(all(t in text for t in fact["terms"]) for text in texts)


def test_editors_see_the_reading_grade_in_the_admin(client, editor):
    from careguide.library.models import ConditionPage

    page = ConditionPage.objects.get(slug="bone-cancer")
    client.force_login(editor)
    html = client.get(reverse("wagtailadmin_pages:edit", kwargs={"page_id": page.pk})).content.decode()
    assert f"Reading grade: {page.compute_reading_grade():.1f}" in html
    report = client.get(reverse("clinical_review_report")).content.decode()
    assert "Bone cancer" in report and str(page.reading_grade) in report
