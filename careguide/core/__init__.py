"""Site-wide pieces every other app uses; it knows no feature.

Owns: OrganizationSettings (names, locations, phone numbers, emergency notice), the crisis line,
security headers, the page cache, the site cache's generation, health check, robots.txt, the
untrusted-input guards (untrusted.py, guard.py), the log filter, JSON API helpers, write-once models,
private (no-store) responses, and form error helpers.
May import: Django, Wagtail and third-party libraries only. No other careguide app.
"""
