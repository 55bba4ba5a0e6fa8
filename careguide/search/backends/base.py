"""What every search backend offers, and the parts they share."""

from __future__ import annotations

import re
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence

from django.db import connections

from ..query import Vocabulary

WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")

# Vocabulary per database alias: building it reads every entry, so it is kept until the index
# gets a new entry (a higher id: every rebuild and reindex inserts) or VOCABULARY_TTL passes
# (which bounds how long words of a withdrawn page can still be offered as typo fixes). The
# check is MAX(id), an index lookup: COUNT(*) cost 9 ms a query at 100,000 entries.
VOCABULARY_TTL = 300.0
_vocab_lock = threading.Lock()
_vocab_cache: dict[str, tuple[tuple, float, Vocabulary]] = {}


def words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text or "")]


def clean_alternative(text: str) -> str:
    """A user word or phrase reduced to its word characters ("" when none are left)."""
    return " ".join(words(text))


# The most matches a query ranks. Ranking costs a few microseconds a match (bm25 reads each
# match's positions; ts_rank detoasts each vector), so a query of common words over 100,000
# sections ("who is at risk for lung cancer") cost 30-150 ms. Beyond this many, the first
# RANK_BUDGET matches in the index's own order are ranked: a query that broad is answered by
# the re-ranking (title, heading, intent), not by small bm25 differences.
RANK_BUDGET = 1000


class Backend(ABC):
    """SQLite and PostgreSQL implement the abstract methods; matching, the AND-then-OR
    fallback and the vocabulary cache are shared here."""

    table = "careguide_search_searchentry"

    def __init__(self, using: str = "default"):
        self.using = using
        self.connection = connections[using]

    # --- the interface ---------------------------------------------------------------
    @abstractmethod
    def index(self, entries: Iterable) -> None:
        """Add SearchEntry rows (already saved, with their pk) to the full-text index."""

    @abstractmethod
    def remove(self, ids: Sequence[int]) -> None:
        """Drop these entries from the full-text index (before their rows are deleted)."""

    @abstractmethod
    def clear(self) -> None:
        """Empty the full-text index."""

    def match(self, groups: Sequence[Sequence[str]], phrases: Sequence[str], limit: int) -> list[tuple[int, float]]:
        """(entry id, score), best first. Alternatives in a group are OR'd, groups AND'd;
        when AND finds nothing, any group may match. ``phrases`` match as exact phrases and
        count as one more alternative way to match."""
        groups = [g for g in ([clean_alternative(a) for a in group] for group in groups) if any(g)]
        groups = [sorted({a for a in g if a}) for g in groups]
        phrases = sorted({p for p in (clean_alternative(p) for p in phrases) if p})
        if not groups and not phrases:
            return []
        hits = self._match(groups, phrases, limit, all_groups=True)
        if not hits and len(groups) > 1:
            hits = self._match(groups, phrases, limit, all_groups=False)
        return hits

    @abstractmethod
    def _match(self, groups, phrases, limit, *, all_groups: bool) -> list[tuple[int, float]]:
        """(entry id, score) pairs, best first: every group must match, or any one if not all_groups."""

    def vocabulary(self) -> Vocabulary:
        """Every word of the indexed text, lowercased (for fixing typos)."""
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX(id) FROM {self.table}")  # noqa: S608
            state = tuple(cursor.fetchone())
        now = time.monotonic()
        cached = _vocab_cache.get(self.using)
        if cached and cached[0] == state and now - cached[1] < VOCABULARY_TTL:
            return cached[2]
        vocab: set[str] = set()
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT title, heading, body FROM {self.table}")  # noqa: S608
            for row in cursor.fetchall():
                for text in row:
                    vocab.update(words(text))
        result = Vocabulary(vocab)
        with _vocab_lock:
            _vocab_cache[self.using] = (state, now, result)
        return result
