"""What a patient's question asks for: normalised words, synonyms, typo fixes and intent.

Pure Python (no Django), so the search service, the benchmark and the tests share it. People
type questions, not keywords ("how long is treatment for ALL", "chemo mouth sores what to do"),
so ``analyse`` turns the text into:

- ``normalized``: every word, lowercased (NFKC, accents removed), punctuation gone except the
  "+" of "ph+", British spellings made US because our pages use US spelling ("leukaemia" ->
  "leukemia"). A spelling variant is not a mistake, so it never produces a "did you mean".
- ``terms``: the words worth searching for, in query order, without question and stop words
  (``STOP_WORDS``) and without words that only carried the intent ("how *long*", "what does X
  *mean*"). A term is several words when a synonym phrase matched ("bone mets").
- ``groups``: one list of alternatives per term (``groups[i]`` belongs to ``terms[i]``): the
  term itself, its typo fix, the equivalents of its synonym. An alternative with spaces is a
  phrase ("acute lymphoblastic leukemia"); a result should match at least one alternative of
  each group, ranked by how many groups it matches.
- ``phrases``: the multi-word synonym terms found (longest first wins, so "cancer that spread
  to the bone" beats "bone" alone).
- ``corrected``: the normalised query with typos fixed, or None when nothing was fixed.
- ``intent`` and ``intent_headings``: what kind of section answers the question, and the
  heading words such a section has (see ``INTENTS`` and ``heading_matches``).

The word lists and spelling tables it reads are data, in ``language.py``; editors' synonyms live
in the database (content/search/synonyms.yaml, admin).
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache

import snowballstemmer
from rapidfuzz import process
from rapidfuzz.distance import OSA

from .language import (
    BRITISH_INFIXES,
    BRITISH_PREFIXES,
    BRITISH_WORDS,
    CUE_ONLY_WORDS,
    CUE_WORDS,
    EVERYDAY_AFTER,
    EVERYDAY_BEFORE,
    EVERYDAY_WORDS,
    INTENTS,
    MODIFIER_INTENTS,
    STOP_WORDS,
)

MIN_TYPO_LENGTH = 4  # shorter words are too often right (and too easy to "fix" wrongly)
# Similarity by optimal string alignment (0-1, rapidfuzz OSA: Damerau-Levenshtein without
# edits on edits, and fast): a patient's slip is one letter changed, dropped, added or swapped,
# and this counts each as one edit (rapidfuzz's plain ratio counts a changed letter as two, so
# "nausia" would miss "nausea"). 0.8 allows one slip in five letters, two in ten, and no slip
# in a four-letter word (too many of those are other real words).
TYPO_CUTOFF = 0.8

_TOKEN = re.compile(r"[^\W_]+(?:\+(?![^\W_]))?")
_APOSTROPHE_S = re.compile(r"['’]s\b")


# --- the result ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Analysis:
    original: str
    normalized: str
    terms: list[str]
    groups: list[list[str]]
    phrases: list[str]
    corrected: str | None
    intent: str | None
    intent_headings: list[str]


class Vocabulary(frozenset):
    """The indexed words (lowercased), with the lookup typo correction needs.

    Any collection of words works with ``analyse``; build one of these once per index (it
    keeps the words grouped by first letter) so that a query does not scan every word.
    """

    def __new__(cls, words: Iterable[str] = ()):
        return super().__new__(cls, (w.lower() for w in words))

    @cached_property
    def by_initial(self) -> dict[tuple[str, int], tuple[str, ...]]:
        """(first letter, length) -> words: a fix starts with the same letter and is of a near length."""
        out: dict[tuple[str, int], list[str]] = {}
        for word in self:
            out.setdefault((word[:1], len(word)), []).append(word)
        # Sorted, so that ties between equally good fixes are broken the same way every time.
        return {k: tuple(sorted(v)) for k, v in out.items()}


class SynonymIndex(dict):
    """A synonym map (term -> equivalents) prepared for matching.

    ``analyse`` accepts any mapping; careguide.search.synonyms.synonym_map() returns one of
    these, so that the normalising is done once per change of the synonyms, not per query.
    """

    @cached_property
    def words(self) -> dict[str, list[str]]:
        """One-word terms (normalised) -> their equivalents (normalised)."""
        return {k: v for k, v in self._normalised.items() if " " not in k}

    @cached_property
    def phrases(self) -> dict[tuple[str, ...], tuple[str, list[str]]]:
        """Multi-word terms as word tuples -> (the phrase, its equivalents)."""
        return {tuple(k.split()): (k, v) for k, v in self._normalised.items() if " " in k}

    @cached_property
    def longest(self) -> int:
        return max((len(k) for k in self.phrases), default=0)

    @cached_property
    def ambiguous(self) -> frozenset[str]:
        """One-word terms written in capitals that are everyday words too (see EVERYDAY_WORDS)."""
        return frozenset(key for key in (normalize(term) for term in self
                                         if term.strip().isupper() and " " not in term.strip())
                         if key in EVERYDAY_WORDS)

    @cached_property
    def known_words(self) -> frozenset[str]:
        """Every word in a term or an equivalent: such words are never "fixed"."""
        out: set[str] = set()
        for term, equivalents in self._normalised.items():
            out.update(term.split())
            for equivalent in equivalents:
                out.update(equivalent.split())
        return frozenset(out)

    @cached_property
    def _normalised(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for term, equivalents in self.items():
            key = normalize(term)
            if not key:
                continue
            values = [v for v in (normalize(e) for e in equivalents) if v and v != key]
            merged = out.setdefault(key, [])
            merged.extend(v for v in values if v not in merged)
        return out


# --- the steps ------------------------------------------------------------------------------

_stemmer_lock = threading.Lock()
_stemmer = snowballstemmer.stemmer("english")


@lru_cache(maxsize=20000)
def stem(word: str) -> str:
    """The snowball English stem of a lowercase word ("treatments" -> "treatment")."""
    with _stemmer_lock:  # a snowball stemmer keeps state while it works: one word at a time
        return _stemmer.stemWord(word)


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def americanize(word: str) -> str:
    """The US spelling of a lowercase word, or the word itself."""
    if word in BRITISH_WORDS:
        return BRITISH_WORDS[word]
    for british, us in BRITISH_PREFIXES:
        if word.startswith(british):
            return us + word[len(british):]
    for british, us in BRITISH_INFIXES:
        if british in word:
            return word.replace(british, us)
    return word


def tokens(text: str) -> list[str]:
    """The words of ``text``: lowercased, NFKC, no accents or punctuation, US spelling."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = _strip_accents(text)
    text = _APOSTROPHE_S.sub("", text)  # "ewing's sarcoma" -> "ewing sarcoma"
    text = text.replace("'", "").replace("’", "")  # "don't" -> "dont"
    return [americanize(t) for t in _TOKEN.findall(text)]


def normalize(text: str) -> str:
    return " ".join(tokens(text))


# Each cue as (is a word start, text) per word: stems for whole words, computed once.
_CUE_PARTS: tuple[tuple[str, tuple[tuple[tuple[bool, str], ...], ...]], ...] = tuple(
    (intent.name, tuple(
        tuple((True, w[:-1]) if w.endswith("*") else (False, stem(w)) for w in cue.split())
        for cue in intent.cues
    ))
    for intent in INTENTS
)


def _cue_matches(part: tuple[bool, str], word: str, word_stem: str) -> bool:
    is_start, text = part
    return word.startswith(text) if is_start else word_stem == text


def _find_intents(words: list[str]) -> tuple[list[str], set[int]]:
    """Intents whose cues occur in ``words`` (priority order) and the positions of cue-only words."""
    stems = [stem(w) for w in words]
    found: list[str] = []
    consumed: set[int] = set()
    for name, cues in _CUE_PARTS:
        for parts in cues:
            n = len(parts)
            for i in range(len(words) - n + 1):
                if all(_cue_matches(parts[j], words[i + j], stems[i + j]) for j in range(n)):
                    if name not in found:
                        found.append(name)
                    consumed.update(i + j for j in range(n) if words[i + j] in CUE_ONLY_WORDS)
    return found, consumed


def _near_lengths(word: str) -> range:
    # similarity = 1 - edits / longer length, and edits >= the difference in length.
    n = len(word)
    return range(math.ceil(n * TYPO_CUTOFF), math.floor(n / TYPO_CUTOFF) + 1)


def _choices(vocabulary: Collection[str], word: str) -> list[str]:
    lengths = _near_lengths(word)
    if isinstance(vocabulary, Vocabulary):
        table = vocabulary.by_initial
        return [w for n in lengths for w in table.get((word[0], n), ())]
    return sorted(w for w in vocabulary if w[:1] == word[0] and len(w) in lengths)


def _fix_typo(word: str, vocabulary: Collection[str], synonyms: SynonymIndex) -> str | None:
    """The word meant, when ``word`` is unknown and one known word is a close, clear match."""
    if len(word) < MIN_TYPO_LENGTH or not word.isalpha():
        return None
    if word in vocabulary or word in synonyms.known_words or word in STOP_WORDS or word in CUE_WORDS:
        return None
    choices = [*_choices(vocabulary, word), *_choices(sorted(synonyms.words), word)]
    if not choices:
        return None
    matches = process.extract(word, choices, scorer=OSA.normalized_similarity,
                              score_cutoff=TYPO_CUTOFF, limit=5)
    if not matches:
        return None
    # A word that stems like a known one is an inflection we index ("treatments"), not a typo.
    word_stem = stem(word)
    if any(stem(match) == word_stem for match, _score, _i in matches):
        return None
    best = max(matches, key=lambda m: (m[1], -abs(len(m[0]) - len(word)), [-ord(c) for c in m[0]]))
    return best[0]


def _match_phrases(words: list[str], synonyms: SynonymIndex) -> dict[int, tuple[int, str]]:
    """Start position -> (length, phrase) of synonym phrases, longest first, never overlapping."""
    taken = [False] * len(words)
    found: dict[int, tuple[int, str]] = {}
    for n in range(min(synonyms.longest, len(words)), 1, -1):
        for i in range(len(words) - n + 1):
            if any(taken[i:i + n]):
                continue
            hit = synonyms.phrases.get(tuple(words[i:i + n]))
            if hit is not None:
                found[i] = (n, hit[0])
                for j in range(i, i + n):
                    taken[j] = True
    return found


def _word_synonyms(word: str, synonyms: SynonymIndex) -> list[str]:
    if word in synonyms.words:
        return synonyms.words[word]
    if word.endswith("s") and word[:-1] in synonyms.words:  # "ports", "tkis"
        return synonyms.words[word[:-1]]
    return []


def _means_abbreviation(text: str, word: str, words: list[str], position: int) -> bool:
    """Whether an ambiguous term (``SynonymIndex.ambiguous``) at ``position`` is the abbreviation."""
    if re.search(rf"(?<![^\W_]){re.escape(word.upper())}(?![^\W_])", text):
        return True
    after = words[position + 1] if position + 1 < len(words) else ""
    before = words[position - 1] if position > 0 else ""
    return after not in EVERYDAY_AFTER and before not in EVERYDAY_BEFORE


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))


def analyse(text: str, *, synonyms: Mapping[str, list[str]], vocabulary: Collection[str]) -> Analysis:
    """Read a patient's question: see the module docstring for what each field holds.

    Never raises for any string (the service rejects empty and over-long queries itself).
    """
    index = synonyms if isinstance(synonyms, SynonymIndex) else SynonymIndex(synonyms)
    typed = tokens(text)

    # 1. Typos, before phrases and intent, so that "treatmnet" still asks about treatment.
    fixed = list(typed)
    changed = False
    for i, word in enumerate(typed):
        fix = _fix_typo(word, vocabulary, index)
        if fix is not None and fix != word:
            fixed[i] = fix
            changed = True

    # 2. Intent, on every word (question words carry it).
    intents, consumed = _find_intents(fixed)
    intent = intents[0] if intents else None
    by_name = {i.name: i for i in INTENTS}
    headings: list[str] = []
    if intent is not None:
        headings.extend(by_name[intent].headings)
        if intent in MODIFIER_INTENTS and len(intents) > 1:
            headings.extend(by_name[intents[1]].headings)

    # 3. Synonym phrases, then single words; stop and cue-only words dropped.
    phrase_at = _match_phrases(fixed, index)
    terms: list[str] = []
    groups: list[list[str]] = []
    phrases: list[str] = []
    i = 0
    while i < len(fixed):
        if i in phrase_at:
            n, phrase = phrase_at[i]
            phrases.append(phrase)
            if phrase not in terms:
                terms.append(phrase)
                groups.append(_unique([phrase, *index.phrases[tuple(phrase.split())][1]]))
            i += n
            continue
        word, original = fixed[i], typed[i]
        i += 1
        everyday = word in index.ambiguous and not _means_abbreviation(text, word, fixed, i - 1)
        equivalents = [] if everyday else _word_synonyms(word, index)
        if not equivalents and (everyday or word in STOP_WORDS or (i - 1) in consumed):
            continue
        if original in terms:
            continue
        terms.append(original)
        groups.append(_unique([original, word, *equivalents]))

    return Analysis(
        original=text,
        normalized=" ".join(typed),
        terms=terms,
        groups=groups,
        phrases=_unique(phrases),
        corrected=" ".join(fixed) if changed else None,
        intent=intent,
        intent_headings=_unique(headings),
    )


def heading_matches(heading: str, patterns: Iterable[str]) -> bool:
    """True when a section heading has one of ``patterns`` (``Analysis.intent_headings``).

    A pattern is one or more word starts: "treat" matches "How we treat bone cancer" and
    "Treatments"; "side effect" matches "Possible side effects of radiation".
    """
    words = tokens(heading)

    def has(pattern: str) -> bool:
        parts = pattern.split()
        n = len(parts)
        return any(all(words[i + j].startswith(parts[j]) for j in range(n))
                   for i in range(len(words) - n + 1))

    patterns = list(patterns)
    if any(has(p[1:]) for p in patterns if p.startswith("-")):
        return False
    return any(has(p) for p in patterns if not p.startswith("-"))
