"""Site-wide pieces every other app uses; it knows no feature.

Owns: OrganizationSettings (names, locations, phone numbers, emergency notice) and the crisis line,
the site cache (``sitecache.py``: generation, live pages, menu, organization; ``signals.py`` drops
it) and the page cache (``pagecache.py``), security headers, health check, robots.txt, the
untrusted-input guards (``untrusted.py``, ``guard.py``), the log filter, JSON API and HTTP helpers
(``http.private``, ``http.call_or_conflict``), write-once and status-history models
(``models.WriteOnce``, ``models.StatusStep``), the content-file loader (``contentfiles.py``), PDF
set-up (``pdf.py``) and form error helpers.

May import: Django, Wagtail and other libraries only, never another careguide app (an import-linter
contract, ADR 0030). An app that core must know about registers itself (``pagecache.vary_on``,
``signals.connect_models``).
"""
