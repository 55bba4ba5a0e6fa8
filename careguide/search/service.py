"""The one search entry point: the search page, the JSON API and the benchmark call ``search``.

A search is: check the text -> analyse it (``query.analyse``: synonyms, typos, intent) -> ask
the full-text backend for candidate sections -> re-rank them here with what the backend cannot
know (the question's intent against section headings, the page named in the question, an exact
glossary word) -> facets, one page of hits with highlighted snippets, and an answer box when one
hit clearly wins. About five SQL queries, whatever the number of hits.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from django.utils.html import escape

from . import query as query_language
from .backends import get_backend
from .backends.base import words
from .models import SearchEntry
from .synonyms import synonym_map

MAX_QUERY_LENGTH = 200
# Candidates taken from the backend for re-ranking, facets and the total.
CANDIDATES = 200
SNIPPET_WORDS = 30

# Bonuses multiply a hit's normalised full-text score (1.0 = the backend's best).
INTENT_BONUS = 0.6  # the section heading matches what the question asks (treatment, ...)
TITLE_BONUS = 0.8  # the page's title is named by the question ("bone cancer")
GLOSSARY_BONUS = 0.3  # the query is exactly a glossary word
SENTENCE_BONUS = 1.0  # one sentence has every term (and a word of the question's intent)
INTRO_BONUS = 0.2  # a question without intent that names a page lands on its top
CLEAR_WINNER = 1.5  # top score / second score for an answer box from a section

_STOP = query_language.STOP_WORDS


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


@dataclass(frozen=True)
class Answer:
    title: str
    heading: str
    url: str
    text: str
    kind: str  # "glossary" (the definition) or "section"


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


def stem(word: str) -> str:
    return query_language.stem(word.lower())


def stems(text: str) -> set[str]:
    return {stem(w) for w in words(text) if w not in _STOP}


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
    per_page = max(1, min(int(per_page), 50))
    backend = get_backend(using)
    analysis = query_language.analyse(text, synonyms=synonym_map(using), vocabulary=backend.vocabulary())
    matches = backend.match(analysis.groups, analysis.phrases, CANDIDATES)
    entries = SearchEntry.objects.using(using).in_bulk([pk for pk, _ in matches])
    ranked = rerank([(entries[pk], score) for pk, score in matches if pk in entries], analysis)

    facets: dict[str, int] = {}
    for entry, _ in ranked:
        facets[entry.kind] = facets.get(entry.kind, 0) + 1
    if kind:
        ranked = [(entry, score) for entry, score in ranked if entry.kind == kind]
    total = len(ranked)
    pages = max(1, math.ceil(total / per_page))
    page = max(1, min(int(page), pages))
    query_stems = _query_stems(analysis)
    typed = _typed_stems(analysis)
    shown = ranked[(page - 1) * per_page : page * per_page]
    results = [
        Hit(e.title, e.heading, e.url, snippet_html(e.body, query_stems, typed), round(score, 4), e.kind)
        for e, score in shown
    ]
    answer = pick_answer(ranked, analysis, query_stems) if page == 1 else None
    return SearchResponse(
        query=text, corrected_query=analysis.corrected, answer=answer, results=results,
        total=total, page=page, pages=pages, facets=facets,
    )


# --- ranking ------------------------------------------------------------------------------
def _group_stems(analysis) -> list[set[str]]:
    """For each term of the query, the stems that count as it (its synonyms, its fix)."""
    out = []
    for group in analysis.groups:
        found = set()
        for alternative in group:
            found |= stems(alternative)
        if found:
            out.append(found)
    return out


def _query_stems(analysis) -> set[str]:
    found: set[str] = set()
    for group in _group_stems(analysis):
        found |= group
    for phrase in analysis.phrases:
        found |= stems(phrase)
    return found


def _typed_stems(analysis) -> set[str]:
    """The stems of the words the person typed (or their typo fixes), not of synonyms."""
    found = set()
    for term in analysis.terms:
        found |= stems(term)
    if analysis.corrected:
        found |= stems(analysis.corrected)
    return found


def _heading_matches_intent(heading: str, intent_headings) -> bool:
    return bool(heading and intent_headings) and query_language.heading_matches(heading, intent_headings)


def _title_cover(title: str, query_stems: set[str]) -> float:
    """How much of the page's title the question names: "Bone cancer" in "is bone cancer
    the same as..." is 1.0; "What is cancer?" is 1.0 too but only for a one-word title."""
    title_stems = stems(title)
    if not title_stems:
        return 0.0
    return len(title_stems & query_stems) / len(title_stems)


def _is_exact_term(entry, analysis) -> bool:
    if entry.kind != SearchEntry.Kind.GLOSSARY:
        return False
    term = stems(entry.title)
    asked = set()
    for t in analysis.terms:
        asked |= stems(t)
    corrected = stems(analysis.corrected) if analysis.corrected else set()
    return bool(term) and term in (asked, corrected, stems(analysis.normalized))


def rerank(candidates, analysis) -> list[tuple]:
    if not candidates:
        return []
    best = max(score for _, score in candidates) or 1.0
    query_stems = _query_stems(analysis)
    intent_headings = list(getattr(analysis, "intent_headings", None) or [])
    groups = _group_stems(analysis)
    intent_words = _intent_words(analysis)
    out = []
    for entry, raw in candidates:
        score = raw / best if best > 0 else 0.0
        bonus = 1.0
        if _heading_matches_intent(entry.heading, intent_headings):
            bonus += INTENT_BONUS
        # A glossary word's title is the word itself: it earns the exact-term bonus instead.
        cover = _title_cover(entry.title, query_stems) if entry.kind != SearchEntry.Kind.GLOSSARY else 0
        if cover:
            # Squared: naming the whole title counts far more than sharing one word of it.
            bonus += TITLE_BONUS * cover * cover
        if _is_exact_term(entry, analysis):
            bonus += GLOSSARY_BONUS
        if cover == 1 and entry.position == 0 and not analysis.intent:
            bonus += INTRO_BONUS
        bonus += SENTENCE_BONUS * best_sentence(entry.body, groups, intent_words)[1] / 1.5
        out.append((entry, score * bonus))
    out.sort(key=lambda pair: (-pair[1], pair[0].title, pair[0].position))
    return out


# --- snippets and answers ------------------------------------------------------------------
_TOKEN = re.compile(r"^(\W*)(.*?)(\W*)$", re.DOTALL)


def _matches(token: str, query_stems: set[str]) -> bool:
    return any(stem(w) in query_stems for w in words(token))


def snippet_html(body: str, query_stems: set[str], typed_stems: set[str] = frozenset(),
                 size: int = SNIPPET_WORDS) -> str:
    """About ``size`` words of ``body`` around its densest run of query words (the words typed
    count double, synonyms once), escaped, with <mark> around each matched word. Safe to render."""
    tokens = body.split()
    if not tokens:
        return ""
    marked = [_matches(t, query_stems) for t in tokens]
    hits = [(2 if _matches(t, typed_stems) else 1) if m else 0 for t, m in zip(tokens, marked, strict=True)]
    start = 0
    if len(tokens) > size and any(hits):
        window = sum(hits[:size])
        best_count, start = window, 0
        for i in range(1, len(tokens) - size + 1):
            window += hits[i + size - 1] - hits[i - 1]
            if window > best_count:
                best_count, start = window, i
        # Start a little before the first match so the snippet reads as a sentence.
        first = next(i for i in range(start, start + size) if hits[i])
        start = max(0, min(start, first - 5))
    end = min(len(tokens), start + size)
    parts = []
    for token, hit in zip(tokens[start:end], marked[start:end], strict=True):
        if hit:
            lead, core, trail = _TOKEN.match(token).groups()
            parts.append(f"{escape(lead)}<mark>{escape(core)}</mark>{escape(trail)}")
        else:
            parts.append(str(escape(token)))
    return ("… " if start > 0 else "") + " ".join(parts) + (" …" if end < len(tokens) else "")


_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'])")


def _intent_words(analysis) -> tuple[str, ...]:
    """Word starts of the question's own intent ("how long" -> year, month, phase...)."""
    intent = next((i for i in query_language.INTENTS if i.name == analysis.intent), None)
    if intent is None:
        return ()
    return tuple(h for h in intent.headings if " " not in h and not h.startswith("-"))


def _sentence_score(sentence: str, groups: list[set[str]], intent_words) -> float:
    """Share of the query's terms in one sentence (0..1), +0.5 when it also has a word of
    the question's intent: "In all, treatment usually takes 2 to 3 years" for "how long is
    treatment for ALL"."""
    if not groups:
        return 0.0
    sentence_words = words(sentence)
    sentence_stems = {stem(w) for w in sentence_words}
    coverage = sum(1 for g in groups if g & sentence_stems) / len(groups)
    if coverage and intent_words and any(w.startswith(i) for w in sentence_words for i in intent_words):
        coverage += 0.5
    return coverage


def best_sentence(body: str, groups: list[set[str]], intent_words) -> tuple[int, float, list[str]]:
    sentences = [s.strip() for s in _SENTENCE.split(body) if s.strip()]
    if not sentences:
        return -1, 0.0, []
    scores = [_sentence_score(s, groups, intent_words) for s in sentences]
    best = max(range(len(sentences)), key=lambda i: (scores[i], -i))
    return best, scores[best], sentences


def best_sentences(body: str, analysis) -> tuple[str, float]:
    """The sentence that answers best, and the next one when it matches too."""
    groups, intent_words = _group_stems(analysis), _intent_words(analysis)
    best, score, sentences = best_sentence(body, groups, intent_words)
    if best < 0 or score == 0:
        return "", 0.0
    chosen = [sentences[best]]
    if best + 1 < len(sentences) and _sentence_score(sentences[best + 1], groups, intent_words) > 0:
        chosen.append(sentences[best + 1])
    return " ".join(chosen), score


def pick_answer(ranked, analysis, query_stems) -> Answer | None:
    if not ranked:
        return None
    # A glossary word asked for ("what is a biopsy", "biopsy") is answered by its definition.
    for entry, _ in ranked[:5]:
        if _is_exact_term(entry, analysis) and entry.definition:
            return Answer(entry.title, "", entry.url, entry.definition, "glossary")
    top, top_score = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    text, sentence_score = best_sentences(top.body, analysis)
    # A clear winner, or a top hit with a sentence holding every term and the intent.
    complete = bool(analysis.intent) and sentence_score >= 1.5
    if top_score < CLEAR_WINNER * second and not complete:
        return None
    if top.kind == SearchEntry.Kind.GLOSSARY and top.definition:
        return Answer(top.title, "", top.url, top.definition, "glossary")
    if not text:
        return None
    return Answer(top.title, top.heading, top.url, text, "section")
