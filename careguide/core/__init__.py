"""The site itself: organization settings and the crisis line, the site cache (``sitecache.py``) and
the page cache (``pagecache.py``), security headers, the bad-input guard, JSON and HTTP helpers,
the tool list and the error pages.

May import: Django, Wagtail and other libraries only, never another careguide app. An app that
core must know about registers itself (``pagecache.vary_on``, ``signals.connect_models``).
"""
