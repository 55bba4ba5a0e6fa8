"""Search: one entry point (``service.search``) for the search page and ``GET /api/search``;
query understanding (``query.py`` with its tables in ``language.py``, ``synonyms.py``), the
crisis detector (``crisis.py``), ranking (``ranking.py``), snippets (``snippets.py``), the answer
box (``answers.py``), the index (``sections.py``, ``indexer.py``, ``backends/``) and the zero-result
report.

May import: core, accounts (role names for the editors' report), library (the pages and snippets
it indexes) and triage (``deployment.fill`` for the clinical values in indexed text). The library
uses search in its template tags (section anchors), ``load-content`` and the content check
(synonyms, crisis file, re-index) and its review report (index problems); the config wires the
URLs.
"""
