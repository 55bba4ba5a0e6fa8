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
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape
from itertools import islice

from django.db import connections

from . import crisis
from . import query as query_language
from .backends import get_backend
from .backends.base import words
from .models import SearchEntry
from .synonyms import synonym_map

MAX_QUERY_LENGTH = 200
# Candidates taken from the backend for re-ranking, facets and the total.
CANDIDATES = 100
# Candidates whose text is read for the sentence that answers (the rest keep their order): the
# title and heading have already put the sections that can answer near the top.
SENTENCE_DEPTH = 12
SNIPPET_WORDS = 30

# Bonuses multiply a hit's normalised full-text score (1.0 = the backend's best).
INTENT_BONUS = 1.0  # the section heading matches what the question asks (treatment, ...)
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
    # The search reads as a person in crisis (crisis.py): the crisis card comes first, no answer box.
    crisis: bool = False


def stem(word: str) -> str:
    return query_language.stem(word.lower())


@lru_cache(maxsize=8192)
def stems(text: str) -> frozenset[str]:
    """The stems of the content words of ``text``. Cached: titles and headings come back
    query after query."""
    return frozenset(stem(w) for w in words(text) if w not in _STOP)


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
    query_stems = _query_stems(analysis)
    typed = _typed_stems(analysis)
    results = [
        Hit(e.title, e.heading, e.url, snippet_html(texts[e.pk][0], query_stems, typed), round(score, 4), e.kind)
        for e, score in shown
    ]
    answer = pick_answer(ranked, texts, analysis) if page == 1 and not in_crisis else None
    return SearchResponse(
        query=text, corrected_query=analysis.corrected, answer=answer, results=results,
        total=total, page=page, pages=pages, facets=facets, crisis=in_crisis,
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
    return bool(heading and intent_headings) and _heading_matches(heading, tuple(intent_headings))


@lru_cache(maxsize=8192)
def _heading_matches(heading: str, intent_headings: tuple[str, ...]) -> bool:
    """Cached: a few dozen headings and a dozen intents make up nearly every call."""
    return query_language.heading_matches(heading, intent_headings)


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
    """Candidates re-scored by what their title and heading say about the question (no text
    needed: see ``sentence_rerank`` for that), best first."""
    if not candidates:
        return []
    best = max(score for _, score in candidates) or 1.0
    query_stems = _query_stems(analysis)
    intent_headings = list(getattr(analysis, "intent_headings", None) or [])
    out = []
    for entry, raw in candidates:
        # The square root: bm25 and ts_rank spread differently (ts_rank favours short
        # sections), and that spread says more about a section's length than about whether it
        # answers; damped, the heading and title evidence counts the same on both databases.
        score = (raw / best) ** 0.5 if best > 0 else 0.0
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
        out.append((entry, score * bonus))
    return _ordered(out)


def sentence_rerank(scored, texts, analysis) -> list[tuple]:
    """The best few again, with a bonus for a sentence that holds the whole question (and a
    word of its intent): "In all, treatment usually takes 2 to 3 years" for "how long is
    treatment for ALL". The bonus is added to the multiplier ``rerank`` gave."""
    groups = _group_stems(analysis)
    intent_words = _intent_words(analysis)
    out = []
    for entry, score in scored:
        body = texts.get(entry.pk, ("", ""))[0]
        best, scores, _sentences = best_sentence(body, groups, intent_words)
        sentence = scores[best] if best >= 0 else 0.0
        out.append((entry, score * (1 + SENTENCE_BONUS * sentence / 1.5)))
    return _ordered(out)


def _ordered(scored: list[tuple]) -> list[tuple]:
    scored.sort(key=lambda pair: (-pair[1], pair[0].title, pair[0].position))
    return scored


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


# --- reading a section's text ---------------------------------------------------------------
# A question's stems become one regular expression of word starts, run over the lowercased body
# (in C); only the words it finds are stemmed to check. Stemming every word of 30 bodies of a few
# KB each cost more than the rest of a search put together.
# The end of a sentence: ., ! or ? and white space before a capital, a digit or a quote. No
# look-behind: the engine then skips straight to the punctuation instead of trying every offset.
_SENTENCE_BREAK = re.compile(r"[.!?]\s+(?=[A-Z0-9\"'])")
_NON_SPACE = re.compile(r"\S+")


@dataclass(frozen=True)
class _Layout:
    lowered: str  # the body lowercased (same offsets)
    sentences: tuple[str, ...]
    sentence_starts: tuple[int, ...]

    def sentence_at(self, offset: int) -> int:
        return bisect_right(self.sentence_starts, offset) - 1


@lru_cache(maxsize=512)
def _layout(body: str) -> _Layout:
    sentence_starts, sentences = [], []
    # A sentence runs from the end of a break (or the start) to the next break's punctuation.
    breaks = list(_SENTENCE_BREAK.finditer(body))
    starts = [0] + [m.end() for m in breaks]
    ends = [m.start() + 1 for m in breaks] + [len(body)]
    for start, end in zip(starts, ends, strict=True):
        text = body[start:end].strip()
        if text:
            sentence_starts.append(body.index(text[0], start))
            sentences.append(text)
    lowered = body.lower()
    if len(lowered) != len(body):  # a few characters lowercase to two: offsets would drift
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in body)
    return _Layout(lowered, tuple(sentences), tuple(sentence_starts))


@lru_cache(maxsize=4096)
def _finder(stems_: frozenset[str]) -> re.Pattern | None:
    """Words that may have one of these stems: a snowball stem is the start of its words (but
    for y -> i: "studi" from "study"), so each stem is a word start here."""
    starts = sorted({st[:-1] if st.endswith("i") and len(st) > 2 else st for st in stems_ if st},
                    key=len, reverse=True)
    if not starts:
        return None
    # No look-behind for the word start (see _word_starts): with one, the engine tries the
    # pattern at every offset; without, it skips to the offsets where a start can begin.
    return re.compile(r"(?:" + "|".join(re.escape(p) for p in starts) + r")[^\W_]*(?:'[^\W_]+)?")


def _word_starts(pattern: re.Pattern, text: str):
    """The matches of ``pattern`` in ``text`` that begin a word. A match inside a word runs to
    that word's end, so it never hides a match at the start of the next one."""
    for m in pattern.finditer(text):
        start = m.start()
        if start == 0 or not text[start - 1].isalnum():
            yield m


@lru_cache(maxsize=64)
def _matching(body: str, stems_: frozenset[str]) -> tuple[tuple[int, str], ...]:
    """(offset, stem) of the words of ``body`` whose stem is one of ``stems_``. Cached: the
    sentence ranking and the snippet of one search read the same bodies for the same stems."""
    finder = _finder(stems_)
    if finder is None:
        return ()
    stem_of = query_language.stem
    out = []
    for m in _word_starts(finder, _layout(body).lowered):
        found = stem_of(m.group())
        if found in stems_:
            out.append((m.start(), found))
    return tuple(out)


# --- snippets and answers ------------------------------------------------------------------
_TOKEN = re.compile(r"^(\W*)(.*?)(\W*)$", re.DOTALL)


def snippet_html(body: str, query_stems: set[str], typed_stems: set[str] = frozenset(),
                 size: int = SNIPPET_WORDS) -> str:
    """About ``size`` words of ``body`` around its densest run of query words (the words typed
    count double, synonyms once), escaped, with <mark> around each matched word. Safe to render."""
    found = _matching(body, frozenset(query_stems))
    marked = [offset for offset, _ in found]  # in text order already
    start = 0
    if found:
        # The densest run: the match whose next ``size`` words hold the most weight, counted in
        # characters (about 7 a word) so that only the window itself is cut into words.
        span = size * 7
        weights = [(offset, 2 if stem_ in typed_stems else 1) for offset, stem_ in found]
        best, best_weight, j, window = 0, -1, 0, 0
        for i, (offset, _) in enumerate(weights):
            while j < len(weights) and weights[j][0] < offset + span:
                window += weights[j][1]
                j += 1
            if window > best_weight:
                best, best_weight = offset, window
            window -= weights[i][1]
        # Start a few words before the first match so the snippet reads as a sentence.
        start = _back_words(body, best, 5)
    tokens = [(m.start(), m.group()) for m in islice(_NON_SPACE.finditer(body, start), size + 1)]
    if not tokens:
        return ""
    more = len(tokens) > size
    parts = []
    for offset, token in tokens[:size]:
        first = bisect_left(marked, offset)  # a match that starts inside this token
        if first < len(marked) and marked[first] < offset + len(token):
            lead, core, trail = _TOKEN.match(token).groups()
            parts.append(f"{escape(lead)}<mark>{escape(core)}</mark>{escape(trail)}")
        else:
            parts.append(escape(token))
    return ("… " if start > 0 else "") + " ".join(parts) + (" …" if more else "")


def _back_words(body: str, offset: int, n: int) -> int:
    """The offset of the token ``n`` tokens before the one at ``offset`` (0 at the start)."""
    position = offset
    for _ in range(n + 1):
        previous = body.rfind(" ", 0, position)
        while previous > 0 and body[previous - 1].isspace():
            previous -= 1
        if previous <= 0:
            return 0
        position = previous
    return _NON_SPACE.search(body, position).start()


def _intent_words(analysis) -> tuple[str, ...]:
    """Word starts of the question's own intent ("how long" -> year, month, phase...)."""
    intent = next((i for i in query_language.INTENTS if i.name == analysis.intent), None)
    if intent is None:
        return ()
    return tuple(h for h in intent.headings if " " not in h and not h.startswith("-"))


@lru_cache(maxsize=64)
def _intent_finder(intent_words: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(re.escape(w) for w in intent_words))


def sentence_scores(body: str, groups: list[set[str]], intent_words) -> list[float]:
    """Per sentence of ``body``: the share of the query's terms in it (0..1), +0.5 when it also
    has a word of the question's intent ("In all, treatment usually takes 2 to 3 years" for
    "how long is treatment for ALL")."""
    layout = _layout(body)
    n = len(layout.sentences)
    if not groups or not n:
        return [0.0] * n
    groups_of: dict[str, list[int]] = {}
    for g, group in enumerate(groups):
        for stem_ in group:
            groups_of.setdefault(stem_, []).append(g)
    present: list[set[int]] = [set() for _ in range(n)]
    for offset, stem_ in _matching(body, frozenset(groups_of)):
        sentence = layout.sentence_at(offset)
        if sentence >= 0:
            present[sentence].update(groups_of[stem_])
    scores = [len(found) / len(groups) for found in present]
    if intent_words:
        finder = _intent_finder(tuple(intent_words))
        with_intent = {layout.sentence_at(m.start()) for m in _word_starts(finder, layout.lowered)}
        for sentence in with_intent:
            if sentence >= 0 and scores[sentence]:
                scores[sentence] += 0.5
    return scores


def best_sentence(body: str, groups: list[set[str]], intent_words) -> tuple[int, list[float], tuple[str, ...]]:
    """The index of the sentence that answers best (-1 when there is none), every sentence's
    score, and the sentences."""
    sentences = _layout(body).sentences
    if not sentences:
        return -1, [], ()
    scores = sentence_scores(body, groups, intent_words)
    best = max(range(len(scores)), key=lambda i: (scores[i], -i))
    return best, scores, sentences


def best_sentences(body: str, analysis) -> tuple[str, float]:
    """The sentence that answers best, and the next one when it matches too."""
    best, scores, sentences = best_sentence(body, _group_stems(analysis), _intent_words(analysis))
    if best < 0 or scores[best] == 0:
        return "", 0.0
    chosen = [sentences[best]]
    if best + 1 < len(sentences) and scores[best + 1] > 0:
        chosen.append(sentences[best + 1])
    return " ".join(chosen), scores[best]


def pick_answer(ranked, texts, analysis) -> Answer | None:
    """``texts``: pk -> (body, definition), holding at least the first five of ``ranked``."""
    if not ranked:
        return None

    def definition(entry) -> str:
        return texts.get(entry.pk, ("", ""))[1]

    # A glossary word asked for ("what is a biopsy", "biopsy") is answered by its definition.
    for entry, _ in ranked[:5]:
        if _is_exact_term(entry, analysis) and definition(entry):
            return Answer(entry.title, "", entry.url, definition(entry), "glossary")
    top, top_score = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    text, sentence_score = best_sentences(texts.get(top.pk, ("", ""))[0], analysis)
    # A clear winner, or a top hit with a sentence holding every term and the intent.
    complete = bool(analysis.intent) and sentence_score >= 1.5
    if top_score < CLEAR_WINNER * second and not complete:
        return None
    if top.kind == SearchEntry.Kind.GLOSSARY and definition(top):
        return Answer(top.title, "", top.url, definition(top), "glossary")
    if not text:
        return None
    return Answer(top.title, top.heading, top.url, text, "section")
