"""`careguide import-corpus`: other organisations' documents as read-only library pages, one
section per row, with their source shown; outside our reading-grade and review rules;
re-importing updates in place; a bad line is named and nothing is written (ADR 0017)."""

import json
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from bs4 import BeautifulSoup
from clock import at_every_time_of_day
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from paths import EVAL
from wagtail.models import Page

from careguide.library.models import LibraryPage, SyndicatedIndexPage, SyndicatedPage, TopicPage
from careguide.library.review import pages_due
from careguide.library.syndication import QTYPE_HEADINGS, answer_html, heading_for, read_corpus
from careguide.search import service
from careguide.search.models import SearchEntry
from careguide.search.sections import extract_sections

pytestmark = pytest.mark.django_db

DATA = EVAL / "search"
SMALL = DATA / "corpus_small.jsonl"
DEV = DATA / "medquad_cancergov_dev.jsonl"
NCI = "National Cancer Institute (cancer.gov)"


def rows(path=SMALL) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def write(tmp_path, items, name="corpus.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join((i if isinstance(i, str) else json.dumps(i)) + "\n" for i in items))
    return path


def run(path, *args) -> str:
    out = StringIO()
    call_command("import_corpus", str(path), *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def imported(django_capture_on_commit_callbacks):
    # Callbacks run as after a real commit: that is when the search index follows a publish.
    with django_capture_on_commit_callbacks(execute=True):
        out = run(SMALL)
    return out


def page_for(doc_id) -> SyndicatedPage:
    return SyndicatedPage.objects.get(doc_id=doc_id)


def soup(client, url) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


# --- rows into sections -------------------------------------------------------------------
def test_headings_come_from_the_qtype_table():
    assert heading_for("information", "Neuroblastoma") == "What is Neuroblastoma?"
    assert heading_for("Exams and Tests", "Neuroblastoma") == "Exams and tests"
    assert heading_for("susceptibility", "Neuroblastoma") == "Who is at risk"
    assert heading_for("support groups", "Neuroblastoma") == "Support groups"  # not in the table
    assert set(QTYPE_HEADINGS) >= {"treatment", "research", "prevention", "inheritance", "causes"}


def test_answers_become_paragraphs_and_lists_with_the_text_escaped():
    text = "Key Points\n   - One <b>point</b>.     - Two & more.\nA paragraph, not a - bullet."
    assert answer_html(text) == (
        "<p>Key Points</p><ul><li>One &lt;b&gt;point&lt;/b&gt;.</li><li>Two &amp; more.</li></ul>"
        "<p>A paragraph, not a - bullet.</p>"
    )


def test_a_document_is_the_rows_of_one_doc_id():
    corpus = read_corpus(DEV)
    assert (len(corpus.documents), corpus.rows) == (58, 368)
    assert all(len({r.doc_id for r in d.rows}) == 1 for d in corpus.documents)


# --- importing ----------------------------------------------------------------------------
def test_import_makes_one_page_per_document_under_one_index(imported, client):
    assert "3 documents, 15 rows. Imported: 3 created, 0 updated, 0 unchanged" in imported
    index = SyndicatedIndexPage.objects.get()
    assert index.url == "/more-cancer-information/"
    pages = SyndicatedPage.objects.live().child_of(index)
    assert sorted(p.doc_id for p in pages) == ["0000007_4", "0000009_2", "0000031_2"]
    listing = soup(client, index.url)
    assert [a.get_text() for a in listing.select(".card__link")] == [
        "Liver (Hepatocellular) Cancer", "Neuroblastoma",
        "Osteosarcoma and Malignant Fibrous Histiocytoma of Bone",
    ]


def test_the_page_says_who_wrote_it_and_links_to_the_original(imported, client):
    page = page_for("0000031_2")
    html = soup(client, page.url)
    notice = html.select_one(".syndication-notice")
    text = " ".join(notice.get_text(" ").split())
    assert f"written by {NCI}" in text
    assert "not written or reviewed by our care team" in text
    assert notice.find("a", href="https://www.cancer.gov/types/neuroblastoma/patient/neuroblastoma-screening-pdq")
    assert notice.find("time")["datetime"] == timezone.localdate(page.imported_at).isoformat()
    # No clinical-review dates of ours on someone else's page.
    assert "Last reviewed" not in html.get_text()


def test_one_section_per_row_with_headings_in_order_and_anchors_on_the_page(imported, client):
    page = page_for("0000031_2")  # two "susceptibility" rows: two sections, two anchors
    html = soup(client, page.url)
    headings = [(h.name, h.get_text(), h.get("id")) for h in html.select("article h1, article h2")]
    assert headings == [
        ("h1", "Neuroblastoma", "page-title"),
        ("h2", "What is Neuroblastoma?", "what-is-neuroblastoma"),
        ("h2", "Who is at risk", "who-is-at-risk"),
        ("h2", "Who is at risk", "who-is-at-risk-2"),
    ]
    sections = extract_sections(page)
    assert [s.anchor for s in sections] == ["", "what-is-neuroblastoma", "who-is-at-risk", "who-is-at-risk-2"]
    assert "Neuroblastoma is a disease in which malignant" in sections[1].text


def test_imported_sections_are_found_by_search_and_link_to_their_anchor(imported, client):
    page = page_for("0000009_2")
    entries = SearchEntry.objects.filter(source_key__startswith=f"page:{page.pk}#")
    assert entries.count() == 1 + 8  # introduction + one per row
    assert set(entries.values_list("kind", flat=True)) == {"condition"}
    result = service.search("osteosarcoma malignant fibrous histiocytoma outlook")
    urls = [hit.url for hit in result.results]
    assert page.url + "#outlook" in urls
    ids = {tag["id"] for tag in soup(client, page.url).find_all(id=True)}
    for entry in entries:
        if "#" in entry.url:
            assert entry.url.split("#", 1)[1] in ids


def test_an_imported_page_answers_within_the_query_budget(imported, client, django_assert_max_num_queries):
    for url in (page_for("0000009_2").url, SyndicatedIndexPage.objects.get().url):
        client.get(url)
        with django_assert_max_num_queries(10):
            assert client.get(url).status_code == 200


def test_the_whole_dev_file_imports_and_every_indexed_anchor_is_on_its_page(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        out = run(DEV)
    assert "58 documents, 368 rows. Imported: 58 created" in out
    for page in SyndicatedPage.objects.live():
        n_rows = sum(1 for r in rows(DEV) if r["doc_id"] == page.doc_id)
        entries = SearchEntry.objects.filter(source_key__startswith=f"page:{page.pk}#")
        assert entries.count() == n_rows + 1, page.doc_id
        ids = {tag["id"] for tag in soup(client, page.url).find_all(id=True)}
        anchors = {e.url.split("#", 1)[1] for e in entries if "#" in e.url}
        assert anchors <= ids, page.url


# --- re-importing -------------------------------------------------------------------------
def test_reimport_is_unchanged_then_updates_in_place(imported, client, tmp_path, django_capture_on_commit_callbacks):
    assert "0 created, 0 updated, 3 unchanged" in run(SMALL)
    before = page_for("0000009_2")
    revisions = before.revisions.count()
    changed = [r for r in rows() if r["doc_id"] == "0000009_2" and r["qtype"] != "research"]
    outlook = next(r for r in changed if r["qtype"] == "outlook")
    outlook["answer"] = "New outlook text from the source.\n- A new point."
    with django_capture_on_commit_callbacks(execute=True):
        out = run(write(tmp_path, changed))
    assert "0 created, 1 updated, 0 unchanged; 2 imported earlier and not in this file, left as they are" in out
    assert "0000007_4, 0000031_2" in out
    after = page_for("0000009_2")
    assert (after.pk, after.url) == (before.pk, before.url)
    assert after.revisions.count() == revisions + 1 and after.live_revision == after.latest_revision
    html = soup(client, after.url)
    assert "New outlook text from the source." in html.find(id="outlook").find_next("p").get_text()
    assert html.find(id="research-and-clinical-trials") is None  # the dropped row's section is gone
    assert not SearchEntry.objects.filter(url=after.url + "#research-and-clinical-trials").exists()
    assert service.search("new outlook text from the source").results[0].url == after.url + "#outlook"
    assert page_for("0000031_2").live  # not in the file: left alone


def test_withdraw_missing_unpublishes_what_the_source_dropped_and_a_later_file_brings_it_back(
        imported, client, tmp_path, django_capture_on_commit_callbacks):
    neuroblastoma = page_for("0000031_2")
    url = neuroblastoma.url
    assert service.search("neuroblastoma").total > 0
    kept = [r for r in rows() if r["doc_id"] != "0000031_2"]
    assert "Would withdraw: 0000031_2" in run(write(tmp_path, kept), "--withdraw-missing", "--dry-run")
    assert page_for("0000031_2").live
    with django_capture_on_commit_callbacks(execute=True):
        out = run(write(tmp_path, kept), "--withdraw-missing")
    assert "0 created, 0 updated, 2 unchanged; 1 withdrawn (not in this file: unpublished)" in out
    assert "Withdrawn: 0000031_2" in out
    assert not page_for("0000031_2").live
    assert client.get(url).status_code == 404
    assert not SearchEntry.objects.filter(url__startswith=url).exists()
    listed = [a.get_text() for a in soup(client, "/more-cancer-information/").select(".card__link")]
    assert "Neuroblastoma" not in listed
    # The source publishes it again: the same page, at the same address, is live again.
    with django_capture_on_commit_callbacks(execute=True):
        assert "0 created, 1 updated, 2 unchanged" in run(SMALL, "--withdraw-missing")
    again = page_for("0000031_2")
    assert (again.pk, again.live, again.url) == (neuroblastoma.pk, True, url)
    assert service.search("neuroblastoma").results[0].url.startswith(url)


def test_withdraw_missing_leaves_other_sources_pages_alone(imported, tmp_path):
    other = [dict(r, doc_id="x_" + r["doc_id"]) for r in rows() if r["doc_id"] == "0000009_2"]
    run(write(tmp_path, other, "other.jsonl"), "--source-name", "Example Health Library")
    out = run(write(tmp_path, [r for r in rows() if r["doc_id"] == "0000007_4"]), "--withdraw-missing")
    assert "2 withdrawn" in out and "1 imported earlier and not in this file, left as they are" in out
    assert page_for("x_0000009_2").live
    assert not page_for("0000009_2").live and not page_for("0000031_2").live


def test_dry_run_writes_nothing(tmp_path):
    before = Page.objects.count()
    out = run(SMALL, "--dry-run")
    assert "Dry run, nothing written; would be: 3 created, 0 updated, 0 unchanged" in out
    assert Page.objects.count() == before


def test_source_name_is_shown(client, tmp_path):
    run(SMALL, "--source-name", "Example Health Library")
    page = page_for("0000007_4")
    assert "written by Example Health Library" in " ".join(soup(client, page.url).get_text(" ").split())


# --- bad input ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("bad", "where"),
    [
        ('{"doc_id": "x_1", "url": ', "line 4: not valid JSON"),
        ({"doc_id": "x_1", "url": "https://example.org/x", "focus": "X", "qtype": "treatment",
          "question": "?"}, "line 4, field 'answer': missing"),
        ({"doc_id": "x_1", "url": "https://example.org/x", "focus": "X", "qtype": "treatment",
          "question": "?", "answer": "   "}, "line 4, field 'answer': empty"),
        ({"doc_id": 7, "url": "https://example.org/x", "focus": "X", "qtype": "treatment",
          "question": "?", "answer": "Text."}, "line 4, field 'doc_id': must be text, not int"),
        ({"doc_id": "x_1", "url": "example.org/x", "focus": "X", "qtype": "treatment",
          "question": "?", "answer": "Text."}, "line 4, field 'url': must be an http(s) address"),
        (["not", "an", "object"], "line 4: each line must be a JSON object"),
    ],
)
def test_a_bad_line_is_named_by_line_and_field_and_nothing_is_written(tmp_path, bad, where):
    path = write(tmp_path, [*rows()[:2], "", bad, *rows()[2:]])  # line 3 is blank: skipped
    before = (Page.objects.count(), SyndicatedPage.objects.count())
    with pytest.raises(CommandError) as error:
        run(path)
    assert f"{path}, {where}" in str(error.value)
    assert "Nothing was written." in str(error.value)
    assert (Page.objects.count(), SyndicatedPage.objects.count()) == before


def test_rows_of_one_document_must_agree_on_url_and_focus(tmp_path):
    first, second = rows()[:2]
    second = {**second, "focus": "Something else"}
    with pytest.raises(CommandError, match=r"line 2, field 'focus': 'Something else' differs from line 1"):
        run(write(tmp_path, [first, second]))


def test_the_command_exits_non_zero_on_a_bad_file(tmp_path, capsys, monkeypatch):
    from careguide.manage import main

    path = write(tmp_path, ["{oops"])
    monkeypatch.setattr("sys.argv", ["careguide", "import-corpus", str(path)])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code != 0
    assert "line 1: not valid JSON" in capsys.readouterr().err


# --- read-only in the admin ------------------------------------------------------------------
def test_nobody_can_edit_an_imported_page_in_the_admin(imported, client, editor, admin_user):
    page = page_for("0000009_2")
    for user in (editor, admin_user):
        assert not page.permissions_for_user(user).can_edit()
        client.force_login(user)
        response = client.get(reverse("wagtailadmin_pages:edit", kwargs={"page_id": page.pk}))
        assert response.status_code == 302 and "/edit/" not in response["Location"]
        response = client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), {"title": "Changed by hand"})
        assert response.status_code == 302
    page.refresh_from_db()
    assert page.title == "Osteosarcoma and Malignant Fibrous Histiocytoma of Bone"


def test_nothing_can_be_added_by_hand_under_the_imported_pages(imported, client, admin_user):
    index = SyndicatedIndexPage.objects.get()
    assert not SyndicatedPage.can_create_at(index) and not TopicPage.can_create_at(index)
    client.force_login(admin_user)
    for model in ("syndicatedpage", "topicpage"):
        response = client.get(reverse("wagtailadmin_pages:add", args=["library", model, index.pk]))
        assert response.status_code in (302, 403)
    assert index.get_children().count() == 3


# --- outside our reading-grade and review rules ------------------------------------------------
def test_imported_pages_are_not_graded_nor_listed_for_clinical_review(imported, client, admin_user):
    page = page_for("0000009_2")
    assert page.reading_grade is None and page.next_review_due is None
    due = {item.page.pk for item in pages_due()}
    imported_ids = set(LibraryPage.objects.filter(pk__in=[page.pk, page.get_parent().pk]).values_list("pk", flat=True))
    assert not (due & imported_ids)
    out = StringIO()
    call_command("review_due", stdout=out)
    assert "Osteosarcoma and Malignant" not in out.getvalue()
    client.force_login(admin_user)
    report = client.get(reverse("clinical_review_report")).content.decode()
    assert "Bone cancer" in report and "Osteosarcoma and Malignant" not in report
    assert "More cancer information" not in report


@at_every_time_of_day
def test_the_copied_on_date_is_the_sites_local_date_at_any_hour(frozen_at, django_capture_on_commit_callbacks, client):
    site_date = frozen_at.astimezone(ZoneInfo(settings.TIME_ZONE)).date()
    with time_machine.travel(frozen_at, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            run(SMALL)
        notice = soup(client, page_for("0000031_2").url).select_one(".syndication-notice")
    stamp = notice.find("time")
    assert stamp["datetime"] == site_date.isoformat()
    assert stamp.get_text() == f"{site_date:%B} {site_date.day}, {site_date.year}"
