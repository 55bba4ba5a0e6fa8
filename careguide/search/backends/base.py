"""What every search backend offers, and the parts they share."""

from __future__ import annotations

import re
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence

from django.db import connections

from ..query import Vocabulary

WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")

# Vocabulary per (database alias, index state): building it reads every entry, so it is kept
# until the index changes. Keyed by alias, never assuming the default database.
_vocab_lock = threading.Lock()
_vocab_cache: dict[str, tuple[tuple, Vocabulary]] = {}


def words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text or "")]


def clean_alternative(text: str) -> str:
    """A user word or phrase reduced to its word characters ("" when none are left)."""
    return " ".join(words(text))


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
            cursor.execute(f"SELECT COUNT(*), MAX(id) FROM {self.table}")  # noqa: S608
            state = tuple(cursor.fetchone())
        cached = _vocab_cache.get(self.using)
        if cached and cached[0] == state:
            return cached[1]
        vocab: set[str] = set()
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT title, heading, body FROM {self.table}")  # noqa: S608
            for row in cursor.fetchall():
                for text in row:
                    vocab.update(words(text))
        result = Vocabulary(vocab)
        with _vocab_lock:
            _vocab_cache[self.using] = (state, result)
        return result
