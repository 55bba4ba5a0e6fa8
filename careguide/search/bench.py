"""The search benchmark behind ``careguide bench-search FILE.jsonl`` (ADR 0018).

A file of MedQuAD rows {doc_id, url, focus, qtype, question, answer} becomes passages (one per
row: titled by its focus, its qtype as the heading, its answer as the text) in a database made
for the run and dropped after it: a SQLite file in a temporary folder, or a new PostgreSQL
database on the server of DATABASE_URL (``CREATE DATABASE careguide_bench_<random>``). The
site's own database is never read or written.

Every question (or a seeded sample of them) is asked through ``service.search``, the one entry
point the search page and the API use, and the first ten results are scored against the
question's relevant passages: its own row and every row with the same answer text.

- ``recall_at_k``: the share of questions with a relevant passage in the first k results;
- ``mrr_at_10``: the mean of 1/rank of the first relevant passage (0 when not in the first 10);
- ``p50_ms`` / ``p95_ms``: wall-clock time of each ``search`` call.

``baseline`` is plain BM25 (bm25s: Lucene's variant, English stop words, no stemming) over the
same passages (title, heading and text as one field), asked the same questions in the same run.
"""

from __future__ import annotations

import json
import random
import re
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from django.core.management import call_command
from django.db import connections, transaction
from django.db.utils import load_backend

from careguide.library.syndication import CorpusError, Row, read_corpus

from .backends import get_backend
from .models import SearchEntry
from .service import QueryError, search
from .synonyms import load_synonyms

TOP_K = 10


class BenchError(ValueError):
    """The run cannot start (a database it cannot make); the message says why."""


def read_rows(path: Path | str) -> list[Row]:
    """Every row of the file in file order, checked by the importer's reader (errors name the
    line and the field); a question is required here, since every row's is asked."""
    corpus = read_corpus(path)
    rows = sorted((row for document in corpus.documents for row in document.rows), key=lambda r: r.line)
    for row in rows:
        if not row.question.strip():
            raise CorpusError(path, row.line, "question", "empty: the benchmark asks every row's question")
    return rows


def relevant_sets(rows: Sequence[Row]) -> list[frozenset[int]]:
    """For each row, the passages that answer its question: itself and any same answer."""
    by_answer: dict[str, set[int]] = {}
    for i, row in enumerate(rows):
        by_answer.setdefault(row.answer, set()).add(i)
    return [frozenset(by_answer[row.answer]) for row in rows]


# --- a synthetic corpus, for speed ---------------------------------------------------------
_SYLLABLES = ("mor", "ven", "tal", "ris", "cal", "dor", "fen", "lax", "nep", "quor", "sil", "tor", "ub",
              "vix", "zan", "bre", "cor", "gli", "hem", "lym", "my", "neu", "os", "pan", "ret", "sar")
_SUFFIXES = ("oma", "itis", "blastic", "cytic", "osis", "ular", "al", "ic", "oid", "ian")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_LONG_WORD = re.compile(r"\b[a-z]{6,}\b")  # lowercase: leaves names and the new focus alone
SWAP_SHARE = 0.33


def _made_up_word(rng: random.Random) -> str:
    return ("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 3))) + rng.choice(_SUFFIXES)).capitalize()


def synthetic_rows(rows: Sequence[Row], total: int, seed: int = 1) -> list[Row]:
    """``rows`` followed by made-up documents up to ``total`` passages, shaped like the real ones.

    Each made-up document copies a real one (its qtypes, its answers' sentences, so their length
    and common words) under a new focus: the real focus with one or two words swapped for made-up
    ones ("Adult Acute Torvixoma Leukemia"), so titles share words the way related conditions do.
    Within the document, about a third of the longer words are swapped for made-up ones too (the
    same swap throughout the document), as each condition has words of its own, and each answer's
    sentences are shuffled. Used to time search at scale, not to score it.
    """
    rng = random.Random(seed)  # noqa: S311 (a repeatable corpus, not a secret)
    documents: dict[str, list[Row]] = {}
    for row in rows:
        documents.setdefault(row.doc_id, []).append(row)
    templates = list(documents.values())
    out = list(rows)
    number = 0
    while len(out) < total:
        number += 1
        template = rng.choice(templates)
        words = template[0].focus.split()
        for _ in range(1 if len(words) < 3 else 2):
            words[rng.randrange(len(words))] = _made_up_word(rng)
        focus = " ".join(words)
        swaps: dict[str, str] = {}

        def swap(match: re.Match, swaps=swaps) -> str:
            word = match.group(0)
            if word not in swaps:
                swaps[word] = _made_up_word(rng).lower() if rng.random() < SWAP_SHARE else word
            return swaps[word]

        doc_id = f"synthetic_{number:07d}"
        for row in template:
            if len(out) >= total:
                break
            text = _LONG_WORD.sub(swap, row.answer.replace(row.focus, focus))
            sentences = [s for s in _SENTENCE_END.split(text) if s]
            rng.shuffle(sentences)
            out.append(Row(line=0, doc_id=doc_id, url=f"https://example.invalid/{doc_id}", focus=focus,
                           qtype=row.qtype, question=row.question.replace(row.focus, focus),
                           answer=" ".join(sentences)))
    return out


# --- a database for the run -------------------------------------------------------------------
@contextmanager
def temporary_database(vendor: str = "sqlite") -> Iterator[str]:
    """A database alias for the run, with the search tables migrated; gone afterwards."""
    alias = f"bench_{uuid.uuid4().hex[:12]}"
    with tempfile.TemporaryDirectory(prefix="careguide-bench-") as folder:
        if vendor == "sqlite":
            settings = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(Path(folder) / "bench.sqlite3")}
            created = None
        elif vendor == "postgresql":
            settings, created = _postgres_database(alias)
        else:
            raise BenchError(f"unknown database '{vendor}': use sqlite or postgresql")
        # A connection made here, not a new entry in settings.DATABASES: Django treats it as
        # made for the moment (its test cases allow it too). configure_settings fills in
        # Django's defaults (it insists on a "default" key).
        settings = connections.configure_settings({"default": settings})["default"]
        connections[alias] = load_backend(settings["ENGINE"]).DatabaseWrapper(settings, alias)
        try:
            call_command("migrate", "careguide_search", database=alias, verbosity=0, interactive=False)
            yield alias
        finally:
            connections[alias].close()
            del connections[alias]
            if created:
                _drop_postgres_database(created)


def _postgres_server() -> dict:
    """The PostgreSQL server to create the run's database on: the one of the default database."""
    default = connections.settings["default"]
    if "postgresql" not in default["ENGINE"]:
        raise BenchError("--database postgresql needs DATABASE_URL to point at a PostgreSQL server")
    return dict(default)


def _postgres_database(alias: str) -> tuple[dict, str]:
    server = _postgres_server()
    name = f"careguide_{alias}"
    with connections["default"]._nodb_cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    settings = {key: server[key] for key in ("ENGINE", "USER", "PASSWORD", "HOST", "PORT", "OPTIONS")}
    settings["NAME"] = name
    return settings, name


def _drop_postgres_database(name: str) -> None:
    with connections["default"]._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def build_index(rows: Sequence[Row], using: str, *, synonyms_file: Path | None = None) -> None:
    """Each row as a passage (title = focus, heading = qtype, text = answer), then the
    full-text index, and the editors' synonyms when a file is given."""
    # Stored in a shuffled order: the index's own order (which a very broad query falls back
    # on, see backends.base.RANK_BUDGET) must not favour the file's rows over made-up ones.
    order = list(range(len(rows)))
    random.Random(len(rows)).shuffle(order)  # noqa: S311 (a repeatable order, not a secret)
    with transaction.atomic(using=using):
        entries = [
            SearchEntry(kind=SearchEntry.Kind.CONDITION, source_key=f"passage:{i}", title=rows[i].focus[:255],
                        heading=rows[i].qtype[:255], url=f"/passage/{i}", body=rows[i].answer, position=0)
            for i in order
        ]
        SearchEntry.objects.using(using).bulk_create(entries, batch_size=2000)
        if entries and entries[0].pk is None:
            entries = list(SearchEntry.objects.using(using).order_by("pk"))
        get_backend(using).index(entries)
    if synonyms_file is not None:
        load_synonyms(synonyms_file, using=using)
    with connections[using].cursor() as cursor:
        cursor.execute("ANALYZE")


# --- asking the questions ---------------------------------------------------------------------
def score(ranked: Sequence[Sequence[int]], relevant: Sequence[frozenset[int]]) -> dict[str, float]:
    """recall@1, recall@5 and MRR@10 of ranked passage indexes against the relevant sets."""
    n = len(ranked)
    at1 = at5 = rr = 0.0
    for hits, wanted in zip(ranked, relevant, strict=True):
        rank = next((i + 1 for i, p in enumerate(hits[:TOP_K]) if p in wanted), None)
        if rank is None:
            continue
        at1 += rank == 1
        at5 += rank <= 5
        rr += 1.0 / rank
    return {"recall_at_1": round(at1 / n, 4), "recall_at_5": round(at5 / n, 4), "mrr_at_10": round(rr / n, 4)}


def timings(seconds: Sequence[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in seconds)
    if len(ms) == 1:
        return {"p50_ms": round(ms[0], 2), "p95_ms": round(ms[0], 2)}
    cuts = statistics.quantiles(ms, n=100, method="inclusive")
    return {"p50_ms": round(statistics.median(ms), 2), "p95_ms": round(cuts[94], 2)}


def ask_ours(questions: Sequence[str], using: str) -> tuple[list[list[int]], list[float]]:
    ranked, seconds = [], []
    for question in questions:
        start = time.perf_counter()
        try:
            response = search(question, per_page=TOP_K, using=using)
            hits = [int(hit.url.rsplit("/", 1)[1]) for hit in response.results]
        except QueryError:
            hits = []
        seconds.append(time.perf_counter() - start)
        ranked.append(hits)
    return ranked, seconds


def ask_baseline(rows: Sequence[Row], questions: Sequence[str]) -> tuple[list[list[int]], list[float]]:
    # Only the benchmark needs bm25s (the "bench" dependency group): production does not have it.
    import bm25s
    from bm25s.tokenization import Tokenizer

    tokenizer = Tokenizer(stopwords="en")
    corpus = tokenizer.tokenize([f"{r.focus} {r.qtype} {r.answer}" for r in rows], show_progress=False)
    retriever = bm25s.BM25()
    retriever.index(corpus, show_progress=False)
    ranked, seconds = [], []
    k = min(TOP_K, len(rows))
    for question in questions:
        start = time.perf_counter()
        tokens = tokenizer.tokenize([question], update_vocab=False, show_progress=False)
        if tokens and tokens[0]:
            found, _scores = retriever.retrieve(tokens, k=k, show_progress=False)
            hits = [int(p) for p in found[0]]
        else:
            hits = []
        seconds.append(time.perf_counter() - start)
        ranked.append(hits)
    return ranked, seconds


def sample(n_rows: int, limit: int | None, seed: int) -> list[int]:
    """Which rows' questions to ask: all of them, or ``limit`` picked with a fixed seed."""
    indexes = list(range(n_rows))
    if limit is not None and limit < n_rows:
        indexes = sorted(random.Random(seed).sample(indexes, limit))  # noqa: S311 (repeatable)
    return indexes


def run(rows: Sequence[Row], *, vendor: str = "sqlite", queries: int | None = None, seed: int = 1,
        synonyms_file: Path | None = None, synthetic: int | None = None, log=None) -> dict:
    """Index, ask, score: the benchmark's JSON object. With ``synthetic``, made-up passages fill
    the corpus up to that many, and only the file's own questions are asked."""
    asked = sample(len(rows), queries, seed)
    if synthetic and synthetic > len(rows):
        rows = synthetic_rows(rows, synthetic, seed)
    relevant = relevant_sets(rows)
    questions = [rows[i].question for i in asked]
    wanted = [relevant[i] for i in asked]
    with temporary_database(vendor) as using:
        start = time.perf_counter()
        build_index(rows, using, synonyms_file=synonyms_file)
        if log:
            log(f"indexed {len(rows)} passages on {vendor} in {time.perf_counter() - start:.1f} s")
        ask_ours(questions[:5], using)  # warm the caches (vocabulary, synonyms, stems) once
        ranked, seconds = ask_ours(questions, using)
    base_ranked, base_seconds = ask_baseline(rows, questions)
    return {
        "passages": len(rows),
        "queries": len(questions),
        "database": vendor,
        **score(ranked, wanted),
        **timings(seconds),
        "baseline": {**score(base_ranked, wanted), **timings(base_seconds)},
    }


def json_line(result: dict) -> str:
    return json.dumps(result, sort_keys=False)
