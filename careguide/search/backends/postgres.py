"""PostgreSQL full-text search: a stored, generated tsvector column on SearchEntry (added by
migration 0002 on PostgreSQL only: title A, heading B, body C, english config) with a GIN
index, ranked with ts_rank (weights A 1.0, B 0.5, C 0.125). ts_rank_cd was tried first: its
cover density counts title, heading and body as one run of words, so a title word next to a
heading word ("...leukemia (ALL)" + "Planning your treatment") outranked the section that
answers. Matches are ranked against the OR of the query's words (see ``_tsquery``). The
column follows the row, so index() has nothing to do."""

from __future__ import annotations

from .base import RANK_BUDGET, Backend

CONFIG = "english"
# ts_rank weights for {D, C, B, A}: body 0.1... title 1.0, like the FTS5 weights 1:4:8.
RANK_WEIGHTS = "{0.05, 0.125, 0.5, 1.0}"
PHRASE = f"phraseto_tsquery('{CONFIG}', %s)"


class PostgresBackend(Backend):
    def index(self, entries) -> None:
        """Nothing to do: PostgreSQL computes the search_vector column on every write."""

    def remove(self, ids) -> None:
        """Nothing to do: the vector goes with its row."""

    def clear(self) -> None:
        """Nothing to do: the vector goes with its row."""

    def _tsquery(self, groups, phrases, all_groups):
        """(the matching tsquery, the ranking tsquery, their parameters). Every alternative
        and phrase goes in through phraseto_tsquery, which parses plain words only: no user
        text reaches the tsquery syntax, so "AND OR NEAR(" is just three (stop) words."""
        alternatives = [list(group) for group in groups]
        clauses = ["(" + " || ".join([PHRASE] * len(group)) + ")" for group in alternatives]
        joined = (" && " if all_groups else " || ").join(clauses)
        match = " || ".join(([f"({joined})"] if joined else []) + [PHRASE] * len(phrases))
        # Ranked as one OR of every word: ts_rank of an AND query weighs every pair of the
        # query's words at every pair of their positions (calc_rank_and), which for a
        # question of eight words over a long section cost ~0.2 ms a match, 85 ms for 450
        # matches at 100,000 sections; the OR form is linear in the positions (~15 ms).
        # The matching query has already required every word.
        everything = [a for group in alternatives for a in group] + list(phrases)
        rank = " || ".join([PHRASE] * len(everything))
        return match, rank, [*everything, *everything]

    def _match(self, groups, phrases, limit, *, all_groups):
        if not groups and not phrases:
            return []
        match, rank, params = self._tsquery(groups, phrases, all_groups)
        # The GIN index finds the matches; at most RANK_BUDGET of them are read and ranked.
        sql = (
            f"WITH q AS MATERIALIZED (SELECT {match} AS query, {rank} AS rank_query), "  # noqa: S608
            f"hits AS MATERIALIZED (SELECT e.id, e.search_vector FROM {self.table} e, q "
            "WHERE q.query <> ''::tsquery AND e.search_vector @@ q.query LIMIT %s) "
            f"SELECT hits.id, ts_rank('{RANK_WEIGHTS}', hits.search_vector, q.rank_query, 1) AS rank "
            "FROM hits, q ORDER BY rank DESC, hits.id LIMIT %s"
        )
        with self.connection.cursor() as cursor:
            cursor.execute(sql, [*params, RANK_BUDGET, limit])
            return [(int(pk), float(rank)) for pk, rank in cursor.fetchall()]
