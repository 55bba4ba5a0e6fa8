"""Reading a section's text for a search: where the question's words are, the sentence that
answers best, and the snippet shown under each hit (escaped, with <mark> around the words).

A question's stems become one regular expression of word starts, run over the lowercased body
(in C); only the words it finds are stemmed to check. Stemming every word of 30 bodies of a few
KB each cost more than the rest of a search put together.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from itertools import islice

from . import query as query_language
from .language import INTENTS

SNIPPET_WORDS = 30

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


def words_of_intent(analysis) -> tuple[str, ...]:
    """Word starts of the question's own intent ("how long" -> year, month, phase...)."""
    intent = next((i for i in INTENTS if i.name == analysis.intent), None)
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
