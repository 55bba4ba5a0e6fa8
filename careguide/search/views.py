"""The search page, /search/?q=...&page=...&kind=...

Both this page and the JSON API (api.py) ask ``careguide.search.service.search`` and nothing
else, and both count queries that found nothing (zero.py) for the editors' report.

What people type into a health search is often about their own health ("lump in my armpit
after chemo"), so the page is treated like other health data:
- it is sent ``Cache-Control: private, no-store`` so that neither a shared proxy nor the
  browser's disk cache keeps it (a shared family computer must not show it from the cache);
- it is never in the anonymous page cache (core/pagecache.py skips /search/ and /api/);
- the query is never logged (the access log has paths only), and a zero-result query is kept
  as its text alone, never with an account, a session or an address.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db import DatabaseError
from django.shortcuts import render

from careguide.core import sitecache
from careguide.core.http import private as _private

from . import service, zero
from .models import SearchEntry

MAX_QUERY = 200
MAX_PAGE = 1000  # far past any real result list; keeps OFFSET within what databases take
PER_PAGE = 10
# Facets in the order people scan them; labels are the model's (Conditions, Treatments...).
KIND_LABELS = dict(SearchEntry.Kind.choices)

TOO_LONG = f"Your search is too long. Use {MAX_QUERY} characters or fewer."
EMPTY = "Enter a word or a question to search for."
UNAVAILABLE = "Search is not working right now. Please try again in a few minutes."

logger = logging.getLogger(__name__)


def _service():
    """The search service, looked up when used (tests replace this function with a fake)."""
    return service


def parse_page(raw: str | None) -> int | None:
    """A page number from 1 to MAX_PAGE, 1 when not given, None when not valid."""
    if raw is None or raw == "":
        return 1
    raw = raw.strip()
    if not raw.isascii() or not raw.isdigit():
        return None
    number = int(raw)
    return number if 1 <= number <= MAX_PAGE else None


class SearchFailed(Exception):
    """The service refused the query (``QueryError``) or could not run it."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.message = message
        self.status = status


def run(query: str, *, page: int = 1, kind: str | None = None, per_page: int = PER_PAGE):
    """Ask the service, count a query that found nothing anywhere, return its SearchResponse.

    "Nothing anywhere" is every facet at zero: a query that finds nothing in one facet
    (kind=glossary) but something elsewhere is not a gap in the content.
    """
    service = _service()
    try:
        response = service.search(query, page=page, per_page=per_page, kind=kind)
    except service.QueryError as exc:
        raise SearchFailed(getattr(exc, "message", None) or str(exc) or EMPTY, 400) from exc
    except DatabaseError as exc:
        # Never the query itself in the log: it can be health data.
        logger.error("search failed (%s)", type(exc).__name__)
        raise SearchFailed(UNAVAILABLE, 503) from exc
    # A crisis search is never kept, not even as text for the editors' report.
    if response.total == 0 and not any((response.facets or {}).values()) and not getattr(response, "crisis", False):
        zero.record(query)
    return response


def check_query(query: str) -> str | None:
    if not query:
        return EMPTY
    if len(query) > MAX_QUERY:
        return TOO_LONG
    return None


@dataclass(frozen=True)
class Facet:
    label: str
    count: int
    url: str
    current: bool


def _url(query: str, *, kind: str | None = None, page: int = 1) -> str:
    params = {"q": query}
    if kind:
        params["kind"] = kind
    if page > 1:
        params["page"] = page
    return "?" + urlencode(params)


def facets_for(query: str, facets: dict, current: str | None) -> list[Facet]:
    """"All results" then each kind that has results (or is the one chosen), with counts."""
    items = [Facet("All results", sum(facets.values()), _url(query), current is None)]
    for kind, label in KIND_LABELS.items():
        count = facets.get(kind, 0)
        if count or kind == current:
            items.append(Facet(label, count, _url(query, kind=kind), kind == current))
    return items



def search(request):
    query = request.GET.get("q", "").strip()
    kind = request.GET.get("kind") or None
    if kind not in KIND_LABELS:
        kind = None  # an old or hand-edited link: show every kind rather than an error
    # A person never types a page number; a broken one shows the first page.
    page = parse_page(request.GET.get("page")) or 1
    context = {"search_query": query, "kind": kind, "kind_label": KIND_LABELS.get(kind)}
    status = 200
    if query:
        error = check_query(query)
        if error is None:
            try:
                response = run(query, page=page, kind=kind)
            except SearchFailed as exc:
                error, status = exc.message, exc.status
            else:
                context.update(_results_context(query, kind, page, response))
        else:
            status = 400
        context["error"] = error
    return _private(render(request, "search/search.html", context, status=status))


def _results_context(query: str, kind: str | None, page: int, response) -> dict:
    facets = response.facets or {}
    context = {
        "response": response,
        "in_crisis": getattr(response, "crisis", False),
        "answer": response.answer,
        "results": response.results,
        "facets": facets_for(query, facets, kind),
        "page": page,
        "pages": response.pages,
        "first_number": (page - 1) * PER_PAGE + 1,
        "prev_url": _url(query, kind=kind, page=page - 1) if 1 < page <= response.pages else None,
        "next_url": _url(query, kind=kind, page=page + 1) if page < response.pages else None,
        "first_url": _url(query, kind=kind),
        "corrected_url": _url(response.corrected_query) if response.corrected_query else None,
        "nothing_anywhere": response.total == 0 and not any(facets.values()),
        "past_the_end": not response.results and response.total > 0,
    }
    if context["nothing_anywhere"]:
        context["browse"] = sitecache.menu()
    return context
