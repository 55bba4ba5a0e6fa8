"""Re-ranking the backend's candidates with what it cannot know: the question's intent against
section headings, the page named in the question, an exact glossary word, and a sentence that
holds the whole question. Bonuses multiply a hit's normalised full-text score (1.0 = the
backend's best).
"""

from __future__ import annotations

from functools import lru_cache

from . import query as query_language
from .backends.base import words
from .language import STOP_WORDS
from .models import SearchEntry
from .snippets import best_sentence, words_of_intent

INTENT_BONUS = 1.0  # the section heading matches what the question asks (treatment, ...)
TITLE_BONUS = 0.8  # the page's title is named by the question ("bone cancer")
GLOSSARY_BONUS = 0.3  # the query is exactly a glossary word
SENTENCE_BONUS = 1.0  # one sentence has every term (and a word of the question's intent)
INTRO_BONUS = 0.2  # a question without intent that names a page lands on its top

@lru_cache(maxsize=8192)
def stems(text: str) -> frozenset[str]:
    """The stems of the content words of ``text``. Cached: titles and headings come back
    query after query."""
    return frozenset(query_language.stem(w) for w in words(text) if w not in STOP_WORDS)


def group_stems(analysis) -> list[set[str]]:
    """For each term of the query, the stems that count as it (its synonyms, its fix)."""
    out = []
    for group in analysis.groups:
        found = set()
        for alternative in group:
            found |= stems(alternative)
        if found:
            out.append(found)
    return out


def all_query_stems(analysis) -> set[str]:
    found: set[str] = set()
    for group in group_stems(analysis):
        found |= group
    for phrase in analysis.phrases:
        found |= stems(phrase)
    return found


def typed_stems(analysis) -> set[str]:
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


def is_exact_term(entry, analysis) -> bool:
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
    query_stems = all_query_stems(analysis)
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
        if is_exact_term(entry, analysis):
            bonus += GLOSSARY_BONUS
        if cover == 1 and entry.position == 0 and not analysis.intent:
            bonus += INTRO_BONUS
        out.append((entry, score * bonus))
    return _ordered(out)


def sentence_rerank(scored, texts, analysis) -> list[tuple]:
    """The best few again, with a bonus for a sentence that holds the whole question (and a
    word of its intent): "In all, treatment usually takes 2 to 3 years" for "how long is
    treatment for ALL". The bonus is added to the multiplier ``rerank`` gave."""
    groups = group_stems(analysis)
    intent_words = words_of_intent(analysis)
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
