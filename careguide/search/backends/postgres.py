"""PostgreSQL full-text search: a stored, generated tsvector column on SearchEntry (added by
migration 0002 on PostgreSQL only: title A, heading B, body C, english config) with a GIN
index, ranked with ts_rank (weights A 1.0, B 0.5, C 0.125). ts_rank_cd was tried first: its
cover density counts title, heading and body as one run of words, so a title word next to a
heading word ("...leukemia (ALL)" + "Planning your treatment") outranked the section that
answers. The column follows the row, so index() has nothing to do."""

from __future__ import annotations

from .base import RANK_BUDGET, Backend

CONFIG = "english"
# ts_rank weights for {D, C, B, A}: body 0.1... title 1.0, like the FTS5 weights 1:4:8.
RANK_WEIGHTS = "{0.05, 0.125, 0.5, 1.0}"


class PostgresBackend(Backend):
    def index(self, entries) -> None:
        """Nothing to do: PostgreSQL computes the search_vector column on every write."""

    def remove(self, ids) -> None:
        """Nothing to do: the vector goes with its row."""

    def clear(self) -> None:
        """Nothing to do: the vector goes with its row."""

    def _tsquery(self, groups, phrases, all_groups):
        params: list[str] = []
        clauses = []
        for group in groups:
            alternatives = []
            for alternative in group:
                # phraseto_tsquery parses plain words only: no user text reaches the
                # tsquery syntax, so "AND OR NEAR(" is just three (stop) words.
                alternatives.append(f"phraseto_tsquery('{CONFIG}', %s)")
                params.append(alternative)
            clauses.append("(" + " || ".join(alternatives) + ")")
        joined = (" && " if all_groups else " || ").join(clauses)
        parts = [f"({joined})"] if joined else []
        for phrase in phrases:
            parts.append(f"phraseto_tsquery('{CONFIG}', %s)")
            params.append(phrase)
        return " || ".join(parts), params

    def _match(self, groups, phrases, limit, *, all_groups):
        tsquery, params = self._tsquery(groups, phrases, all_groups)
        if not tsquery:
            return []
        # The GIN index finds the matches; at most RANK_BUDGET of them are read and ranked.
        sql = (
            f"WITH q AS MATERIALIZED (SELECT {tsquery} AS query), "  # noqa: S608
            f"hits AS MATERIALIZED (SELECT e.id, e.search_vector FROM {self.table} e, q "
            "WHERE q.query <> ''::tsquery AND e.search_vector @@ q.query LIMIT %s) "
            f"SELECT hits.id, ts_rank('{RANK_WEIGHTS}', hits.search_vector, q.query, 1) AS rank "
            "FROM hits, q ORDER BY rank DESC, hits.id LIMIT %s"
        )
        with self.connection.cursor() as cursor:
            cursor.execute(sql, [*params, RANK_BUDGET, limit])
            return [(int(pk), float(rank)) for pk, rank in cursor.fetchall()]
