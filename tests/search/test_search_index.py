"""The search index: sections of library pages, their anchors on the rendered page, the
full-text backends (SQLite FTS5 or PostgreSQL, whichever the test run uses)."""


import pytest
from bs4 import BeautifulSoup
from django.db import connection

from careguide.search import indexer
from careguide.search.backends import get_backend
from careguide.search.models import SearchEntry
from careguide.search.sections import Anchors, add_heading_ids, extract_sections, split_rich_text


@pytest.fixture
def index(db):
    indexer.rebuild()
    return SearchEntry.objects.all()


def _page(live_pages, slug):
    return next(p for p in live_pages if p.slug == slug)


# --- sections (pure parts) --------------------------------------------------------------
def test_anchors_are_slugs_unique_within_a_page():
    anchors = Anchors()
    assert [anchors.take(h) for h in ["Treatment", "Treatment", "Treatment", "", "What is ALL?"]] == [
        "treatment", "treatment-2", "treatment-3", "section", "what-is-all",
    ]


def test_rich_text_splits_at_h2_and_h3_into_plain_text():
    html = ('<p>Intro <a linktype="page" id="3">link</a>.</p><h2>First</h2><p>One &amp; two.</p>'
            "<h3>Sub</h3><ul><li>a</li><li>b</li></ul>")
    assert split_rich_text(html) == [(None, "Intro link."), ("First", "One & two."), ("Sub", "a b")]


def test_heading_ids_replace_any_existing_id_and_keep_other_attributes():
    html = '<h2 data-block-key="x">A</h2><p>t</p><h3 id="old">B</h3><h4>C</h4>'
    assert add_heading_ids(html, ["a", "b"]) == (
        '<h2 id="a" data-block-key="x">A</h2><p>t</p><h3 id="b">B</h3><h4>C</h4>')


# --- sections of our pages ------------------------------------------------------------
def test_bone_cancer_sections(live_pages):
    sections = extract_sections(_page(live_pages, "bone-cancer"))
    intro = sections[0]
    assert (intro.heading, intro.anchor, intro.position) == ("", "", 0)
    assert intro.text.startswith("Bone cancer can start in a bone")
    by_heading = {s.heading: s for s in sections}
    assert by_heading["Types of primary bone cancer"].anchor == "types-of-primary-bone-cancer"
    assert "Osteosarcoma" in by_heading["Types of primary bone cancer"].text
    assert "<" not in "".join(s.text for s in sections)
    # Two blocks called "Possible side effects of radiation"? No: but chemotherapy appears as a
    # section heading and in "Possible side effects of chemotherapy": distinct anchors.
    anchors = [s.anchor for s in sections[1:]]
    assert len(anchors) == len(set(anchors))
    assert "fatigue" in by_heading["Possible side effects of chemotherapy"].text.lower()
    assert [s.position for s in sections] == list(range(len(sections)))


def test_every_anchor_the_index_links_to_is_on_the_rendered_page(client, index):
    checked = 0
    for url in sorted({e.url.split("#")[0] for e in index if "#" in e.url}):
        anchors = {e.url.split("#", 1)[1] for e in index if e.url.startswith(url + "#")}
        response = client.get(url)
        assert response.status_code == 200, url
        ids = {tag["id"] for tag in BeautifulSoup(response.content, "html.parser").find_all(id=True)}
        missing = anchors - ids
        assert not missing, f"{url}: {sorted(missing)}"
        checked += len(anchors)
    assert checked > 100


def test_section_headings_still_label_their_sections(client, index):
    soup = BeautifulSoup(client.get("/conditions/bone-cancer/").content, "html.parser")
    section = soup.find("section", class_="types")
    assert section["aria-labelledby"] == section.h2["id"] == "types-of-primary-bone-cancer"


# --- the index ---------------------------------------------------------------------------
def test_rebuild_indexes_pages_glossary_side_effects_and_tools(index):
    kinds = set(index.values_list("kind", flat=True))
    assert kinds == {"condition", "treatment", "side_effect", "glossary", "tool", "page"}
    biopsy = index.get(source_key="glossary:biopsy")
    assert biopsy.url == "/glossary/biopsy/"
    assert biopsy.definition.startswith("A test where a doctor takes a small piece of tissue")
    mouth = index.get(source_key="side_effect:mouth-sores#self-care-title")
    assert (mouth.title, mouth.heading, mouth.url) == (
        "Mouth sores", "What can help", "/side-effects/mouth-sores/#self-care-title")
    all_intro = index.get(url="/conditions/acute-lymphoblastic-leukemia/")
    assert all_intro.kind == "condition" and all_intro.title == "Acute lymphoblastic leukemia (ALL)"
    assert index.filter(url="/conditions/acute-lymphoblastic-leukemia/#the-3-phases-of-treatment").exists()
    assert index.get(url="/side-effects/").kind == "side_effect"
    assert index.get(url="/treatments/chemotherapy/").kind == "treatment"


def test_rebuild_is_idempotent(index):
    first = sorted(index.values_list("source_key", "url", "body"))
    count = indexer.rebuild()
    assert count == len(first)
    assert sorted(SearchEntry.objects.values_list("source_key", "url", "body")) == first
    assert get_backend().match([["osteosarcoma"]], [], 50)  # the full-text index was rebuilt too


def test_unpublished_and_private_pages_are_not_indexed(index, live_pages):
    from wagtail.models import PageViewRestriction

    page = _page(live_pages, "watchful-waiting")
    PageViewRestriction.objects.create(page=page, restriction_type="login")
    indexer.rebuild()
    assert not SearchEntry.objects.filter(url__startswith=page.url).exists()


def test_publish_and_unpublish_update_that_pages_entries(index, live_pages, django_capture_on_commit_callbacks):
    indexer.connect()
    page = _page(live_pages, "bone-cancer")
    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    assert not SearchEntry.objects.filter(url__startswith="/conditions/bone-cancer/").exists()
    # The full-text rows went with the entries: every match is a live entry, none of that page.
    left = {pk for pk, _ in get_backend().match([["chordoma"]], [], 10)}
    assert left == set(SearchEntry.objects.filter(pk__in=left).values_list("pk", flat=True))
    assert not SearchEntry.objects.filter(pk__in=left, url__startswith="/conditions/bone-cancer/").exists()
    page.refresh_from_db()
    page.title = "Bone cancer and chordoma"
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    titles = set(SearchEntry.objects.filter(url__startswith="/conditions/bone-cancer/").values_list("title", flat=True))
    assert titles == {"Bone cancer and chordoma"}
    ids = {pk for pk, _ in get_backend().match([["chordoma"]], [], 10)}
    assert ids and ids <= set(SearchEntry.objects.values_list("pk", flat=True))


def test_a_full_rebuild_keeps_every_entry(index):
    # No time limit here (timings belong in `make bench-*`): a rebuild puts back the same entries.
    before = set(SearchEntry.objects.values_list("url", "title"))
    indexer.rebuild()
    assert set(SearchEntry.objects.values_list("url", "title")) == before and before


# --- the backend -------------------------------------------------------------------------
def test_backend_is_picked_by_database_vendor():
    name = type(get_backend()).__name__
    assert name == {"sqlite": "SqliteBackend", "postgresql": "PostgresBackend"}[connection.vendor]


def test_match_ands_groups_and_falls_back_to_or(index):
    backend = get_backend()
    both = backend.match([["osteosarcoma"], ["teens"]], [], 20)
    assert both
    entries = SearchEntry.objects.in_bulk([pk for pk, _ in both])
    assert all("osteosarcoma" in e.body.lower() and "teen" in e.body.lower() for e in entries.values())
    # No section has both words: any section with either one.
    either = backend.match([["osteosarcoma"], ["lymphoblasts"]], [], 50)
    bodies = [e.body.lower() for e in SearchEntry.objects.in_bulk([pk for pk, _ in either]).values()]
    assert any("osteosarcoma" in b for b in bodies) and any("lymphoblast" in b for b in bodies)


def test_match_stems_ranks_and_accepts_alternatives(index):
    backend = get_backend()
    hits = backend.match([["osteosarcomas", "chondrosarcoma"]], [], 20)
    assert hits == sorted(hits, key=lambda h: -h[1])
    found = SearchEntry.objects.in_bulk([pk for pk, _ in hits])
    urls = {found[pk].url for pk, _ in hits}
    # "osteosarcomas" found "Osteosarcoma" (stemming); either word is enough.
    assert {"/conditions/bone-cancer/#types-of-primary-bone-cancer", "/glossary/osteosarcoma/",
            "/glossary/chondrosarcoma/"} <= urls


def test_match_phrase(index):
    hits = get_backend().match([], ["graft versus host"], 20)
    assert any("graft-versus-host" in SearchEntry.objects.get(pk=pk).body for pk, _ in hits)


@pytest.mark.parametrize(
    "word", ['"AND OR NEAR(', "NOT", "*", "^x", '"', "col:umn", "a)b(", "'; DROP TABLE x; --", "é"])
def test_query_syntax_characters_are_just_words(index, word):
    backend = get_backend()
    alone = backend.match([[word]], [word], 10)
    assert set(SearchEntry.objects.in_bulk([pk for pk, _ in alone])) == {pk for pk, _ in alone}
    # Next to a real word, the odd one neither breaks the search nor hides what the word finds.
    with_bone = backend.match([[word], ["bone"]], [], 10)
    assert any("bone" in entry.body.lower()
               for entry in SearchEntry.objects.in_bulk([pk for pk, _ in with_bone]).values())


def test_vocabulary_has_the_words_of_the_index(index):
    vocab = get_backend().vocabulary()
    assert {"osteosarcoma", "leukemia", "lymphoblastic", "biopsy"} <= vocab
    assert all(w == w.lower() for w in vocab)
    assert get_backend().vocabulary() is vocab  # cached while the index is unchanged
