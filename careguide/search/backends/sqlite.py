"""SQLite FTS5: a virtual table beside SearchEntry (rowid = SearchEntry.pk), created by
migration 0002; porter stemming, diacritics folded; bm25 with column weights."""

from __future__ import annotations

from .base import RANK_BUDGET, Backend

FTS_TABLE = "careguide_search_fts"
# bm25() weights for the columns title, heading, body: a word in the title says most about
# what the section is about, one in the heading more than one in the text.
WEIGHTS = (8.0, 4.0, 1.0)


def quote(alternative: str) -> str:
    """One FTS5 string (a phrase if it has several words). Every user word is quoted, so
    FTS5 operators (AND, OR, NEAR, parentheses, ^, *) are just words."""
    return '"' + alternative.replace('"', '""') + '"'


def fts_query(groups, phrases, *, all_groups: bool) -> str:
    clauses = ["(" + " OR ".join(quote(a) for a in group) + ")" for group in groups]
    joined = (" AND " if all_groups else " OR ").join(clauses)
    parts = [f"({joined})"] if joined else []
    parts += [quote(p) for p in phrases]
    return " OR ".join(parts)


class SqliteBackend(Backend):
    def index(self, entries) -> None:
        rows = [(e.pk, e.title, e.heading, e.body) for e in entries]
        if not rows:
            return
        with self.connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE} (rowid, title, heading, body) VALUES (%s, %s, %s, %s)", rows  # noqa: S608
            )

    def remove(self, ids) -> None:
        ids = list(ids)
        with self.connection.cursor() as cursor:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ",".join(["%s"] * len(chunk))
                cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({marks})", chunk)  # noqa: S608

    def clear(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE}")  # noqa: S608

    def _match(self, groups, phrases, limit, *, all_groups):
        query = fts_query(groups, phrases, all_groups=all_groups)
        if not query:
            return []
        # FTS5 walks the matches in rowid order without ranking them; bm25 is computed for the
        # first RANK_BUDGET of them only, and those are sorted. One walk: a first query for the
        # rowid at the budget, then a ranked one below it, walked the matches twice (+3-7 ms).
        sql = (
            f"SELECT rowid, rank FROM (SELECT rowid, bm25({FTS_TABLE}, %s, %s, %s) AS rank "  # noqa: S608
            f"FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s ORDER BY rowid LIMIT %s) "
            "ORDER BY rank, rowid LIMIT %s"
        )
        with self.connection.cursor() as cursor:
            cursor.execute(sql, [*WEIGHTS, query, RANK_BUDGET, limit])
            # bm25() is lower-is-better and negative; flip it so higher is better.
            return [(int(rowid), -float(rank)) for rowid, rank in cursor.fetchall()]
