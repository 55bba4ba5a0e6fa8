"""`careguide bench-search`: scores our search against plain BM25 in a database of its own.

Runs on the test run's database vendor (SQLite here, a new PostgreSQL database on the throwaway
server under scripts/with-postgres)."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection, connections
from paths import EVAL

from careguide.search import bench
from careguide.search.models import SearchEntry

DATA = EVAL / "search"
DEV = DATA / "medquad_cancergov_dev.jsonl"
SMALL = DATA / "corpus_small.jsonl"
SYNONYMS = Path(settings.BASE_DIR) / "content" / "search" / "synonyms.yaml"
KEYS = {"passages", "queries", "recall_at_1", "recall_at_5", "mrr_at_10", "p50_ms", "p95_ms", "baseline"}


def vendor():
    return connection.vendor


def write(tmp_path, lines) -> Path:
    path = tmp_path / "corpus.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def row(**overrides) -> str:
    data = {"doc_id": "1", "url": "https://example.org/a", "focus": "Bone Cancer", "qtype": "treatment",
            "question": "What are the treatments for Bone Cancer ?", "answer": "Surgery and chemotherapy."}
    data.update(overrides)
    return json.dumps(data)


# --- reading the file -------------------------------------------------------------------------
def test_a_bad_line_is_named_with_its_field(tmp_path):
    path = write(tmp_path, [row(), row(answer="")])
    with pytest.raises(bench.CorpusError, match=r"line 2, field 'answer': empty"):
        bench.read_rows(path)
    path = write(tmp_path, [row(), "{not json"])
    with pytest.raises(bench.CorpusError, match=r"line 2: not valid JSON"):
        bench.read_rows(path)
    path = write(tmp_path, [json.dumps({"doc_id": "1"})])
    with pytest.raises(bench.CorpusError, match=r"line 1, field 'url': missing"):
        bench.read_rows(path)


def test_the_command_reports_a_bad_file_without_a_traceback(tmp_path):
    path = write(tmp_path, [row(), row(qtype=3)])
    with pytest.raises(CommandError, match=r"line 2, field 'qtype': must be text"):
        call_command("bench_search", str(path), stdout=StringIO(), stderr=StringIO())
    with pytest.raises(CommandError, match="cannot read"):
        call_command("bench_search", str(tmp_path / "missing.jsonl"), stdout=StringIO(), stderr=StringIO())


# --- scoring ----------------------------------------------------------------------------------
def test_every_question_must_be_there_to_be_asked(tmp_path):
    with pytest.raises(bench.CorpusError, match=r"line 1, field 'question': empty"):
        bench.read_rows(write(tmp_path, [row(question=" ")]))


def test_relevant_passages_are_the_row_and_any_with_the_same_answer(tmp_path):
    rows = bench.read_rows(write(tmp_path, [row(), row(doc_id="2", answer="Other."), row(doc_id="3")]))
    assert bench.relevant_sets(rows) == [frozenset({0, 2}), frozenset({1}), frozenset({0, 2})]


def test_scores_count_the_first_relevant_passage():
    relevant = [frozenset({0}), frozenset({1, 2}), frozenset({3}), frozenset({4})]
    ranked = [[0, 9], [9, 2, 1], [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 3], []]
    assert bench.score(ranked, relevant) == {
        "recall_at_1": 0.25,  # only the first question has it first
        "recall_at_5": 0.5,  # the second has it second
        "mrr_at_10": round((1 + 1 / 2) / 4, 4),  # the third's is 11th: outside the ten
    }


def test_synthetic_passages_are_made_up_repeatably(tmp_path):
    rows = bench.read_rows(SMALL)
    more = bench.synthetic_rows(rows, 60, seed=3)
    assert len(more) == 60 and more[: len(rows)] == rows
    made_up = more[len(rows):]
    real_titles = {r.focus for r in rows}
    assert all(r.focus not in real_titles for r in made_up)
    assert {r.qtype for r in made_up} <= {r.qtype for r in rows}
    assert bench.synthetic_rows(rows, 60, seed=3) == more


# --- a run ------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_run_prints_one_json_object_and_leaves_the_site_database_alone():
    before = SearchEntry.objects.count()
    aliases = set(connections.settings)
    opened = {c.alias for c in connections.all(initialized_only=True)}
    out, err = StringIO(), StringIO()
    call_command("bench_search", str(SMALL), "--database", vendor(), stdout=out, stderr=err)
    result = json.loads(out.getvalue())
    assert set(result) >= KEYS and KEYS - {"baseline", "passages", "queries"} <= set(result["baseline"])
    assert result["passages"] == 15 and result["queries"] == 15
    assert 0 <= result["recall_at_1"] <= result["recall_at_5"] <= 1
    assert result["p50_ms"] <= result["p95_ms"]
    assert "indexed 15 passages" in err.getvalue()
    # Nothing in the site's index, and the run's database is gone.
    assert SearchEntry.objects.count() == before
    assert not SearchEntry.objects.filter(source_key__startswith="passage:").exists()
    assert set(connections.settings) == aliases
    assert {c.alias for c in connections.all(initialized_only=True)} <= opened | {"default"}


@pytest.mark.django_db
def test_our_search_meets_the_targets_on_the_dev_questions_and_beats_bm25():
    rows = bench.read_rows(DEV)
    result = bench.run(rows, vendor=vendor(), synonyms_file=SYNONYMS)
    assert result["passages"] == result["queries"] == 368
    assert result["recall_at_1"] >= 0.70
    assert result["mrr_at_10"] >= 0.80
    assert result["recall_at_1"] > result["baseline"]["recall_at_1"]
    assert result["mrr_at_10"] > result["baseline"]["mrr_at_10"]


@pytest.mark.django_db
def test_a_sample_of_questions_over_a_padded_corpus():
    rows = bench.read_rows(SMALL)
    result = bench.run(rows, vendor=vendor(), queries=5, synthetic=200)
    assert result["passages"] == 200 and result["queries"] == 5
