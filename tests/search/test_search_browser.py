"""Search in Chromium on a phone, as a patient uses it.

Given the production server on a fresh database (the shared `server` fixture), when a person
types questions into the header's search box, they see results (and an answer when one
clearly answers), a "did you mean" for a typo, facets and pages that work, a helpful page
when nothing is found and a clear error for an overlong search, and pages imported with
`careguide import-corpus` with their source; axe-core finds no WCAG 2.1 A/AA violation in any
of these states.
"""

import json
import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect
from support import axe_violations, run_on_server

pytestmark = pytest.mark.browser



def search_from_header(page, base, words):
    page.goto(base + "/")
    page.get_by_role("searchbox", name="Search the guide").fill(words)
    page.get_by_role("searchbox", name="Search the guide").press("Enter")
    page.wait_for_url(re.compile(r"/search/\?"))


def test_a_question_shows_results_facets_and_pages(server, page):
    search_from_header(page, server["base"], "chemo mouth sores what to do")
    expect(page.locator("h1")).to_have_text("Search results for “chemo mouth sores what to do”")
    main = page.locator("main")
    results = main.locator("ol.search-results > li")
    expect(results.first).to_be_visible()
    # Results are sections: their links land on the section's anchor (a page's introduction has none).
    hrefs = [a.get_attribute("href") for a in main.locator("ol.search-results h3 a").all()]
    assert any("#" in href for href in hrefs), hrefs
    assert main.locator(".search-results mark").count() > 0
    assert axe_violations(page) == []

    # A facet narrows the results to one kind and is marked as the current one.
    facet = main.locator(".search-facets a:not([aria-current])").first
    label = facet.inner_text()
    facet.click()
    expect(main.locator(".search-facets a[aria-current=page]")).to_have_text(label)
    assert "kind" in parse_qs(urlparse(page.url).query)
    expect(main.locator("ol.search-results > li").first).to_be_visible()
    assert axe_violations(page) == []


def test_page_two_of_a_broad_search(server, page):
    search_from_header(page, server["base"], "cancer treatment")
    pagination = page.locator("nav.pagination")
    expect(pagination).to_contain_text(re.compile(r"Page 1 of \d+"))
    first_page_titles = page.locator("ol.search-results h3").all_inner_texts()
    pagination.locator("a[rel=next]").click()
    expect(page.locator("nav.pagination")).to_contain_text(re.compile(r"Page 2 of \d+"))
    expect(page.locator("ol.search-results")).to_have_attribute("start", "11")
    assert page.locator("ol.search-results h3").all_inner_texts() != first_page_titles
    expect(page.locator("nav.pagination a[rel=prev]")).to_be_visible()
    assert axe_violations(page) == []


def test_a_typo_offers_the_right_word_and_finds_it(server, page):
    search_from_header(page, server["base"], "leukimia")
    correction = page.locator(".search-correction")
    expect(correction).to_contain_text("Did you mean")
    correction.get_by_role("link", name="leukemia").click()
    expect(page.locator("h1")).to_have_text("Search results for “leukemia”")
    expect(page.locator("ol.search-results").first).to_contain_text(re.compile("leukemia", re.I))
    assert axe_violations(page) == []


def test_a_clear_question_gets_an_answer_box(server, page):
    search_from_header(page, server["base"], "what is a biopsy")
    answer = page.locator(".search-answer")
    expect(answer.get_by_role("heading", name="Answer")).to_be_visible()
    expect(answer.get_by_role("link", name=re.compile(r"^Read more: "))).to_be_visible()
    assert axe_violations(page) == []
    answer.get_by_role("link", name=re.compile(r"^Read more: ")).click()
    expect(page.locator("h1")).to_be_visible()


def test_nothing_found_suggests_where_to_go(server, page):
    search_from_header(page, server["base"], "qwxzvb plorkt")
    none = page.locator(".search-none")
    expect(none.get_by_role("heading", name="No results for “qwxzvb plorkt”")).to_be_visible()
    expect(none.get_by_role("link", name="glossary", exact=True)).to_be_visible()
    expect(none.locator('a[href^="tel:"]').first).to_be_visible()
    assert axe_violations(page) == []


def test_an_overlong_search_is_a_clear_error(server, page):
    response = page.goto(server["base"] + "/search/?q=" + "a" * 201)
    assert response.status == 400
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Your search is too long. Use 200 characters or fewer.")
    summary.get_by_role("link").click()
    expect(page.locator("#search-page-q")).to_be_focused()
    assert axe_violations(page) == []


def test_an_imported_page_is_found_says_who_wrote_it_and_is_accessible(server, page, tmp_path):
    # A made-up document, so that the shared server's other searches are not changed by it.
    url = "https://example.org/library/quillfeather-tumor"
    rows = [
        {"doc_id": "qf_1", "url": url, "focus": "Quillfeather Tumor", "qtype": "information",
         "question": "What is (are) Quillfeather Tumor ?",
         "answer": "Key Points - A quillfeather tumor is a made-up growth used to test this site. - It is not real."},
        {"doc_id": "qf_1", "url": url, "focus": "Quillfeather Tumor", "qtype": "symptoms",
         "question": "What are the symptoms of Quillfeather Tumor ?",
         "answer": "Signs of a quillfeather tumor include a feeling of lightness in the left elbow."},
    ]
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(row) + "\n" for row in rows))
    out = run_on_server(server, "import-corpus", str(corpus), "--source-name", "Example Health Library")
    assert "1 documents, 2 rows" in out.stdout

    search_from_header(page, server["base"], "quillfeather tumor symptoms")
    first = page.locator("ol.search-results > li").first
    expect(first).to_contain_text("lightness in the left elbow")
    assert axe_violations(page) == []
    first.locator("h3 a").click()
    expect(page).to_have_url(re.compile(r"/more-cancer-information/quillfeather-tumor/#"))
    expect(page.locator(".syndication-notice")).to_contain_text("written by Example Health Library")
    expect(page.locator(".syndication-notice a[href='" + url + "']")).to_be_visible()
    assert axe_violations(page) == []
    crumbs = page.get_by_role("navigation", name="Breadcrumb")
    crumbs.get_by_role("link", name=re.compile("More cancer information", re.I)).click()
    expect(page.locator("main")).to_contain_text("Quillfeather Tumor")
    assert axe_violations(page) == []
