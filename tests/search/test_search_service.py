"""The search service answers patients' questions from our own content, on whichever database
the run uses (SQLite FTS5 here, PostgreSQL under scripts/with-postgres)."""

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from careguide.search import indexer
from careguide.search import query as query_language
from careguide.search.answers import best_sentences
from careguide.search.ranking import stems
from careguide.search.service import QueryError, search
from careguide.search.snippets import snippet_html

SYNONYMS = Path(settings.BASE_DIR) / "content" / "search" / "synonyms.yaml"


@pytest.fixture
def indexed(db):
    from careguide.search.models import Synonym
    from careguide.search.synonyms import load_synonyms

    if not Synonym.objects.exists():  # until load-content loads them
        load_synonyms(SYNONYMS)
    indexer.rebuild()


def urls(response, n=None):
    return [hit.url for hit in response.results[:n]]


def test_how_long_is_treatment_for_all(indexed):
    response = search("how long is treatment for ALL")
    # Our page says: "In all, treatment usually takes 2 to 3 years.", in its phases section.
    phases = "/conditions/acute-lymphoblastic-leukemia/#the-3-phases-of-treatment"
    assert response.results[0].url == phases
    assert response.answer.url == phases
    assert "2 to 3 years" in response.answer.text


def test_all_in_small_letters_is_not_the_leukemia_inside_a_question(indexed):
    response = search("what are all the side effects of chemo")
    assert "/treatments/chemotherapy/#possible-side-effects-of-chemotherapy" in urls(response, 3)
    assert not response.results[0].url.startswith("/conditions/acute-lymphoblastic-leukemia/")
    # ...but it is at the end of "treatment for all", as people type on a phone.
    assert search("treatment for all").results[0].url.startswith("/conditions/acute-lymphoblastic-leukemia/")


def test_chemo_mouth_sores_what_to_do(indexed):
    response = search("chemo mouth sores what to do")
    assert response.results[0].url.startswith("/side-effects/mouth-sores/")
    assert response.results[0].kind == "side_effect"


def test_bone_cancer_or_cancer_that_spread_to_the_bone(indexed):
    response = search("is bone cancer the same as cancer that spread to the bone")
    top = response.results[0]
    assert top.url.startswith("/conditions/bone-cancer/")
    # The page's own answer: primary starts in the bone, secondary spreads there.
    assert any(hit.url == "/conditions/bone-cancer/#what-is-bone-cancer" for hit in response.results[:3])


@pytest.mark.parametrize("query", ["leukaemia", "leukimia", "acute lymphoblastic leukaemia treatment"])
def test_spellings_and_typos_find_the_all_page(indexed, query):
    response = search(query)
    assert any(u.startswith("/conditions/acute-lymphoblastic-leukemia/") for u in urls(response, 5))


def test_a_typo_is_fixed_and_said(indexed):
    response = search("osteosarcomma")
    assert response.corrected_query == "osteosarcoma"
    assert any(u.startswith("/conditions/bone-cancer/") for u in urls(response, 5))
    assert search("leukaemia").corrected_query is None  # a spelling, not a mistake


def test_what_is_a_biopsy_answers_with_the_glossary(indexed):
    response = search("what is a biopsy")
    assert response.answer is not None
    assert response.answer.kind == "glossary"
    assert response.answer.url == "/glossary/biopsy/"
    assert response.answer.text.startswith("A test where a doctor takes a small piece of tissue")


def test_results_are_sections_with_highlighted_snippets(indexed):
    response = search("osteosarcoma")
    hit = next(h for h in response.results if h.url == "/conditions/bone-cancer/#types-of-primary-bone-cancer")
    assert hit.heading == "Types of primary bone cancer"
    assert "<mark>Osteosarcoma</mark>" in hit.snippet_html
    assert hit.score > 0


def test_snippet_is_escaped_and_marks_stems():
    html = snippet_html("Treatments <b>help</b> & treatment, cells " + "word " * 60 + "end", stems("treatment"))
    assert html.startswith("<mark>Treatments</mark> &lt;b&gt;help&lt;/b&gt; &amp; <mark>treatment</mark>, cells")
    assert html.endswith(" …")
    assert len(html.split()) < 45



def test_snippet_marks_whole_words_only():
    html = snippet_html("Pretreatment tests come before treatment; side_treatment notes. Treatments end.",
                        stems("treatment"))
    assert "Pretreatment" in html and "<mark>Pretreatment" not in html
    assert "before <mark>treatment</mark>;" in html
    assert "<mark>side_treatment</mark>" in html  # an underscore separates words
    assert "<mark>Treatments</mark> end." in html


def test_answer_sentence_is_the_one_holding_the_question():
    body = ("Dr. Lee leads the team. Most children start treatment in hospital. "
            "In all, treatment for ALL usually takes 2 to 3 years!  \"Maintenance\" is the longest phase.")
    analysis = query_language.analyse("how long is treatment for ALL", synonyms={}, vocabulary=set())
    text, score = best_sentences(body, analysis)
    assert text.startswith("In all, treatment for ALL usually takes 2 to 3 years!")
    assert score >= 1.5  # every term and a word of the question's intent (years)


def test_facets_count_every_kind_before_the_kind_filter(indexed):
    everything = search("chemotherapy")
    assert everything.facets["treatment"] > 0 and everything.facets["condition"] > 0
    assert sum(everything.facets.values()) == everything.total
    only = search("chemotherapy", kind="treatment")
    assert only.facets == everything.facets
    assert only.total == everything.facets["treatment"]
    assert {hit.kind for hit in only.results} == {"treatment"}


def test_pagination(indexed):
    first = search("cancer", per_page=5)
    second = search("cancer", per_page=5, page=2)
    assert first.total > 10 and first.pages == -(-first.total // 5)
    assert len(first.results) == len(second.results) == 5
    assert not set(urls(first)) & set(urls(second))
    assert second.answer is None
    last = search("cancer", per_page=5, page=999)
    assert last.page == last.pages and last.results


@pytest.mark.parametrize("query", ["", "   ", "x" * 201])
def test_empty_or_oversized_query_is_refused(indexed, query):
    with pytest.raises(QueryError) as error:
        search(query)
    assert error.value.message


@pytest.mark.parametrize(
    "query", ['"AND OR NEAR(', "bone AND", "NOT cancer*", "^(", "col:umn", '"""', "ALL-", "'; drop table x"])
def test_query_syntax_characters_do_not_crash(indexed, client, query):
    search(query)
    # A person who types them gets the results page, with what they typed still in the box
    # and in the heading, not an error.
    response = client.get(reverse("search:search"), {"q": query})
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    assert page.select_one("#search-page-q")["value"] == query
    assert page.select_one("#search-page-q-error") is None
    assert page.select_one("h1").get_text() == f"Search results for “{query}”"


def test_nothing_found(indexed):
    response = search("zzyzx qwertyuiop")
    assert (response.total, response.results, response.answer, response.pages) == (0, [], None, 1)


def test_a_search_takes_a_few_queries(indexed):
    search("how long is treatment for ALL")  # warm the vocabulary and synonym caches
    with CaptureQueriesContext(connection) as queries:
        search("chemo mouth sores what to do")
    assert len(queries) <= 5


@pytest.mark.django_db
def test_a_clinical_trials_question_lands_on_the_trials_section_of_the_page_it_names(indexed):
    response = search("are there clinical trials for bone cancer")
    top = response.results[0]
    assert top.title == "Bone cancer" and top.heading == "Clinical trials"
    assert response.answer is not None and "clinical trial" in response.answer.text.lower()
