"""Is this search from a person in crisis? Suicide, self-harm, an overdose, wanting to die.

Run on the raw query before anything else in ``service.search``: a match puts the crisis card
(call or text 988, 911 in danger now, our crisis page) above every result, and no answer box
from another page stands above it. The phrasings are data, ``content/search/crisis.yaml``,
with an editor's note of sources; this module only reads them:

- the query's words (``query.tokens``: lower case, no accents or punctuation) are rewritten
  by the file's ``slang`` ("kms" -> "kill myself", "wanna" -> "want to");
- each pattern's words must appear in order, next to each other unless a ``*`` allows up to
  ``GAP`` words between; ``[word]`` may be missing; ``a|b`` is either;
- a query word matches a pattern word when their snowball stems are equal ("killing",
  "kill"), or, from 5 letters, one edit apart by optimal string alignment (rapidfuzz OSA:
  "suicde", "overdoes"); a 4-letter word takes a missing or swapped letter but not a changed
  one ("kil" is "kill", "will" is not);
- a match inside a ``not_crisis`` phrase ("suicide gene therapy", "kill cancer cells") does
  not count, but another match in the same query still does.

Pure Python (no Django), except ``detector()``, which reads the file under settings.CONTENT_DIR
once per process. A broken file raises ``ContentError`` naming the line and the field.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml
from rapidfuzz.distance import OSA

from careguide.library.content.files import ContentError

from .query import stem, tokens

FILE = Path("search") / "crisis.yaml"
GAP = 2  # words a "*" may skip
TYPO_FROM = 5  # letters from which a word may have one typo (4 letters: a missing or swapped one)


@dataclass(frozen=True)
class Slot:
    words: tuple[str, ...]
    optional: bool
    gap: bool  # up to GAP other words may come before this slot


@dataclass(frozen=True)
class Pattern:
    text: str
    slots: tuple[Slot, ...]


def parse_pattern(text: str) -> Pattern:
    slots: list[Slot] = []
    gap = False
    for part in text.split():
        if part == "*":
            gap = True
            continue
        optional = part.startswith("[") and part.endswith("]")
        words = tuple(w for w in (normalize_word(w) for w in part.strip("[]").split("|")) if w)
        if not words:
            raise ValueError(f"'{part}' has no word")
        slots.append(Slot(words, optional, gap))
        gap = False
    if not slots or all(s.optional for s in slots):
        raise ValueError("a pattern needs at least one word that must be there")
    if gap:
        raise ValueError("a pattern cannot end with '*'")
    return Pattern(text, tuple(slots))


def normalize_word(word: str) -> str:
    return " ".join(tokens(word))


def _same(query_word: str, word: str) -> bool:
    if query_word == word or stem(query_word) == stem(word):
        return True
    if len(word) >= TYPO_FROM and len(query_word) >= TYPO_FROM - 1:
        return OSA.distance(query_word, word, score_cutoff=1) <= 1
    if len(word) == TYPO_FROM - 1 and abs(len(query_word) - len(word)) <= 1:
        if OSA.distance(query_word, word, score_cutoff=1) > 1:
            return False
        return len(query_word) != len(word) or sorted(query_word) == sorted(word)
    return False


def _match_from(words: list[str], pattern: Pattern, slot: int, at: int, first: int) -> tuple[int, int] | None:
    """The (first, last) word positions of a match of slots[slot:] starting at ``at``."""
    if slot == len(pattern.slots):
        return first, at - 1
    s = pattern.slots[slot]
    reach = GAP if s.gap and slot > 0 else 0
    for skip in range(reach + 1):
        i = at + skip
        if i >= len(words):
            break
        if any(_same(words[i], w) for w in s.words):
            found = _match_from(words, pattern, slot + 1, i + 1, first if slot else i)
            if found:
                return found
    if s.optional:
        return _match_from(words, pattern, slot + 1, at, first)
    return None


def matches(words: list[str], pattern: Pattern) -> list[tuple[int, int]]:
    """Every (first, last) word span of ``words`` that the pattern matches."""
    spans = []
    for start in range(len(words)):
        found = _match_from(words, pattern, 0, start, start)
        if found:
            spans.append(found)
    return spans


@dataclass(frozen=True)
class CrisisDetector:
    slang: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]  # longest first
    patterns: tuple[Pattern, ...]
    not_crisis: tuple[Pattern, ...]

    def words(self, query: str) -> list[str]:
        """The query's words with slang rewritten."""
        words = tokens(query)
        out: list[str] = []
        i = 0
        while i < len(words):
            for source, target in self.slang:
                if tuple(words[i:i + len(source)]) == source:
                    out.extend(target)
                    i += len(source)
                    break
            else:
                out.append(words[i])
                i += 1
        return out

    def match(self, query: str) -> str | None:
        """The pattern that reads this query as a person in crisis, or None."""
        words = self.words(query)
        excluded = [span for p in self.not_crisis for span in matches(words, p)]
        for pattern in self.patterns:
            for first, last in matches(words, pattern):
                if not any(first <= end and start <= last for start, end in excluded):
                    return pattern.text
        return None

    def is_crisis(self, query: str) -> bool:
        return self.match(query) is not None


def read_file(path: Path | str) -> CrisisDetector:
    """The detector from a crisis file; ``ContentError`` names the line and the field."""
    path = Path(path)
    name = f"search/{path.name}"
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ContentError(name, "(file)", "file is missing") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ContentError(name, f"line {mark.line + 1}" if mark else "(file)", f"not valid YAML: {exc}") from exc
    if not isinstance(root, yaml.MappingNode):
        raise ContentError(name, "(file)", "expected slang, patterns and not_crisis at the top level")
    sections = {key.value: value for key, value in root.value}
    for key in sections:
        if key not in ("slang", "patterns", "not_crisis"):
            raise ContentError(name, f"line {root.start_mark.line + 1}", f"unknown section '{key}'")

    def where(node) -> str:
        return f"line {node.start_mark.line + 1}"

    slang = []
    node = sections.get("slang")
    if node is not None:
        if not isinstance(node, yaml.MappingNode):
            raise ContentError(name, f"{where(node)}, slang", "must be a mapping of 'word: replacement'")
        for key, value in node.value:
            source, target = normalize_word(str(key.value)).split(), normalize_word(str(value.value)).split()
            if not source or not target:
                raise ContentError(name, f"{where(key)}, slang", "needs a word and its replacement")
            slang.append((tuple(source), tuple(target)))
    slang.sort(key=lambda item: -len(item[0]))

    def patterns(key: str, required: bool) -> tuple[Pattern, ...]:
        node = sections.get(key)
        if node is None or not isinstance(node, yaml.SequenceNode) or (required and not node.value):
            line = where(node) if node is not None else "(file)"
            raise ContentError(name, f"{line}, {key}", "must be a list of phrases")
        out = []
        for item in node.value:
            try:
                out.append(parse_pattern(str(item.value)))
            except ValueError as exc:
                raise ContentError(name, f"{where(item)}, {key}", str(exc)) from exc
        return tuple(out)

    return CrisisDetector(tuple(slang), patterns("patterns", True), patterns("not_crisis", False))


@functools.cache
def detector() -> CrisisDetector:
    from django.conf import settings

    return read_file(Path(settings.CONTENT_DIR) / FILE)


def is_crisis(query: str) -> bool:
    """True when the search reads as a person in crisis (the site's crisis file)."""
    return detector().is_crisis(query)
