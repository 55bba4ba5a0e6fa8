"""Search that answers patients: sections, query understanding, ranking and the crisis detector.

Owns: SearchEntry rows and the indexer, full-text backends (SQLite FTS5, PostgreSQL), query
understanding (pure), ranking, snippets and the answer box, synonyms, zero-result report, the
crisis detector, `careguide bench-search`.
May import: core, library (what it indexes), triage (the side-effect tool's entry), accounts.
"""
