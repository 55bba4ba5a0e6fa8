"""The one search entry point: the search page, the JSON API and the benchmark call ``search``.

A search is: check the text -> analyse it (``query.analyse``: synonyms, typos, intent) -> ask
the full-text backend for candidate sections -> re-rank them here with what the backend cannot
know (the question's intent against section headings, the page named in the question, an exact
glossary word) -> facets, one page of hits with highlighted snippets, and an answer box when one
hit clearly wins. About five SQL queries, whatever the number of hits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.db import connections

from . import crisis
from . import query as query_language
from .answers import Answer, pick_answer
from .backends import get_backend
from .models import SearchEntry
from .ranking import all_query_stems, rerank, sentence_rerank, typed_stems
from .snippets import snippet_html
from .synonyms import synonym_map

MAX_QUERY_LENGTH = 200
# Candidates taken from the backend for re-ranking, facets and the total.
CANDIDATES = 100
# Candidates whose text is read for the sentence that answers (the rest keep their order): the
# title and heading have already put the sections that can answer near the top.
SENTENCE_DEPTH = 12


class QueryError(ValueError):
    """The query cannot be searched; ``message`` says why, in words for the person."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Hit:
    title: str
    heading: str
    url: str
    snippet_html: str
    score: float
    kind: str


@dataclass
class SearchResponse:
    query: str
    corrected_query: str | None
    answer: Answer | None
    results: list[Hit]
    total: int
    page: int
    pages: int
    facets: dict[str, int] = field(default_factory=dict)
    # The search reads as a person in crisis (crisis.py): the crisis card comes first, no answer box.
    crisis: bool = False


def check_query(query) -> str:
    text = " ".join(str(query or "").split())
    if not text:
        raise QueryError("Type a word or a question to search for.")
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError(f"Your search is too long. Use at most {MAX_QUERY_LENGTH} characters.")
    return text


def search(query: str, *, page: int = 1, per_page: int = 10, kind: str | None = None,
           using: str = "default") -> SearchResponse:
    text = check_query(query)
    # Before any ranking: a person in crisis gets the crisis card above whatever the index finds.
    in_crisis = crisis.is_crisis(text)
    per_page = max(1, min(int(per_page), 50))
    backend = get_backend(using)
    analysis = query_language.analyse(text, synonyms=synonym_map(using), vocabulary=backend.vocabulary())
    matches = backend.match(analysis.groups, analysis.phrases, CANDIDATES)
    # Everything but the text first: ranking by title and heading needs no body, and at 100,000
    # sections reading 200 bodies of a few KB each is most of a query's time.
    entries = _entries(using, [pk for pk, _ in matches])
    ranked = rerank([(entries[pk], score) for pk, score in matches if pk in entries], analysis)

    facets: dict[str, int] = {}
    for entry, _ in ranked:
        facets[entry.kind] = facets.get(entry.kind, 0) + 1
    if kind:
        ranked = [(entry, score) for entry, score in ranked if entry.kind == kind]
    total = len(ranked)
    pages = max(1, math.ceil(total / per_page))
    page = max(1, min(int(page), pages))
    # Then the text of the best few and of the page shown: a sentence holding the whole
    # question re-orders the best few, and the snippets come from it.
    top = ranked[:SENTENCE_DEPTH]
    texts = _texts(using, [e.pk for e, _ in top])
    ranked = sentence_rerank(top, texts, analysis) + ranked[SENTENCE_DEPTH:]
    shown = ranked[(page - 1) * per_page : page * per_page]
    texts.update(_texts(using, [e.pk for e, _ in shown if e.pk not in texts]))
    query_stems = all_query_stems(analysis)
    typed = typed_stems(analysis)
    results = [
        Hit(e.title, e.heading, e.url, snippet_html(texts[e.pk][0], query_stems, typed), round(score, 4), e.kind)
        for e, score in shown
    ]
    answer = pick_answer(ranked, texts, analysis) if page == 1 and not in_crisis else None
    return SearchResponse(
        query=text, corrected_query=analysis.corrected, answer=answer, results=results,
        total=total, page=page, pages=pages, facets=facets, crisis=in_crisis,
    )


# --- reading the index: plain tuples, one query each ------------------------------------------
@dataclass(frozen=True)
class _Entry:
    """What ranking reads of a SearchEntry (no text): plain tuples are cheaper than 200 model
    instances per query."""

    pk: int
    kind: str
    title: str
    heading: str
    url: str
    position: int


def _values(using: str, pks, *fields: str) -> dict[int, tuple]:
    """pk -> these fields of the entries, in one query (none for no pks). Plain SQL: building
    the same query through the ORM cost about as much as running it."""
    if not pks:
        return {}
    columns = ", ".join(SearchEntry._meta.get_field(name).column for name in ("id", *fields))
    marks = ", ".join(["%s"] * len(pks))
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {SearchEntry._meta.db_table} WHERE id IN ({marks})",  # noqa: S608
                       list(pks))
        return {row[0]: row[1:] for row in cursor.fetchall()}


def _entries(using: str, pks) -> dict[int, _Entry]:
    return {pk: _Entry(pk, *row) for pk, row in
            _values(using, pks, "kind", "title", "heading", "url", "position").items()}


def _texts(using: str, pks) -> dict[int, tuple[str, str]]:
    """pk -> (body, definition)."""
    return _values(using, pks, "body", "definition")
