"""Whole-page cache for anonymous readers of public pages.

Patients read; staff write. A GET with no session cookie and no query string, answered
200 with HTML and no cookie, is kept in the shared cache and served from there to the next
anonymous reader. Keys carry the site-cache generation (core/sitecache.py), so any
publish, move or settings save makes every cached page stale at once, and whatever else a
page shows that changes without a publish, as registered by the app that owns it
(``vary_on``: the triage app registers the version of the rules in force, ADR 0022).

Django's own cache middleware was not used: it caches per Cookie header for signed-in
staff too, and adds public max-age headers that would keep browsers on a page after a
clinical correction is published.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

from . import sitecache

# Patient tools and accounts are per person (sessions, CSRF tokens, answers): never cached.
SKIP_PREFIXES = (
    "/admin/",
    "/documents/",
    "/search/",
    "/healthz",
    "/account/",
    "/back-pain-program/",
    "/questionnaires/",
    "/fhir/",
    "/api/",
    "/side-effect-check/",
    "/diary/",
    "/care-team/",
    "/referrals/",
    "/appointments/",
    "/treatment-plan/",
    "/prepare/",
)
DROP_HEADERS = {"set-cookie", "vary"}

# name -> a function giving a short text that changes when pages must be rendered again.
_KEY_PARTS: dict[str, Callable[[], str]] = {}


def vary_on(name: str, part: Callable[[], str]) -> None:
    """Cached pages are kept per value of ``part()`` as well (an app calls this in ``ready``)."""
    _KEY_PARTS[name] = part


def _key(request) -> str:
    parts = ":".join(str(part()) for part in _KEY_PARTS.values())
    return f"careguide:page:{sitecache.generation()}:{parts}:{request.get_host()}:{request.path}"


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = getattr(settings, "CAREGUIDE_PAGE_CACHE_SECONDS", 0)
        if not seconds or not self._cacheable_request(request):
            return self.get_response(request)
        key = _key(request)
        hit = cache.get(key)
        if hit is not None:
            status, headers, body = hit
            response = HttpResponse(body, status=status)
            for name, value in headers:
                response[name] = value
            return response
        response = self.get_response(request)
        if self._cacheable_response(request, response):
            headers = [(k, v) for k, v in response.items() if k.lower() not in DROP_HEADERS]
            cache.set(key, (response.status_code, headers, response.content), seconds)
        return response

    @staticmethod
    def _cacheable_request(request) -> bool:
        return (
            request.method in ("GET", "HEAD")
            and not request.META.get("QUERY_STRING")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not request.path.startswith(SKIP_PREFIXES)
        )

    @staticmethod
    def _cacheable_response(request, response) -> bool:
        user = getattr(request, "user", None)
        control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not response.streaming
            and not response.has_header("Set-Cookie")
            and not any(word in control for word in ("private", "no-store", "no-cache"))
            and response.get("Content-Type", "").startswith(("text/html", "application/xml"))
            and not (user is not None and user.is_authenticated)
            and not getattr(request, "is_preview", False)
        )
