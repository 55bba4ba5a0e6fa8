"""JSON search: GET /api/search?q=...&page=...&kind=...

200: {"query", "answer": {"title", "heading", "url", "text", "kind"} or null,
      "results": [{"title", "heading", "url", "snippet", "snippet_html", "score", "kind"}],
      "total", "page", "pages", "per_page", "corrected_query", "facets": {kind: count},
      "crisis": null, or when the search reads as a person in crisis (suicide, self-harm, an
      overdose, wanting to die) {"message", "emergency", "crisis_line": {"name", "call", "text",
      "chat_url", "page_url"}}: show it before the results (ADR 0022)}
``snippet`` is plain text; ``snippet_html`` is the same text escaped, with <mark> around the
matched words, safe to insert as HTML.

Refusals are JSON {"errors": [{"field", "message"}]}: 400 for an empty query, a query over
200 characters, a page that is not a whole number from 1 to 1000 or an unknown kind; 405 for
anything but GET/HEAD; 503 when the index cannot be read. A page past the last one is a 200
with no results (the "pages" field says where the results end): the index changes as pages
are published, and a client paging through it should not fail because of that.

Same privacy as the page (views.py): private, no-store; nothing logged; zero-result queries
counted as text only.
"""

from __future__ import annotations

import html

from django.utils.html import strip_tags
from django.views.decorators.csrf import csrf_exempt

from careguide.core.crisis import current
from careguide.core.jsonapi import error_response, json_response

from . import views

PAGE_ERROR = f"page must be a whole number from 1 to {views.MAX_PAGE}"


def plain(snippet_html: str) -> str:
    """The snippet as text: the <mark> tags dropped, entities decoded ("&lt;" -> "<")."""
    return html.unescape(strip_tags(snippet_html))


def _hit(hit) -> dict:
    return {
        "title": hit.title,
        "heading": hit.heading,
        "url": hit.url,
        "snippet": plain(hit.snippet_html),
        "snippet_html": hit.snippet_html,
        "score": round(float(hit.score), 4),
        "kind": hit.kind,
    }


def _crisis() -> dict:
    """The crisis card as data: {"message", "emergency": "911", "crisis_line": {"name", "call",
    "text", "chat_url", "page_url"}}."""
    line = current()
    message = (f"You are not alone. If you are thinking about suicide or hurting yourself, call or text "
               f"{line.call} now, any time. If you are in danger right now, or took too much of a medicine, "
               f"call {line.emergency}.")
    return {"message": message, **line.as_data()}


def _answer(answer) -> dict | None:
    if answer is None:
        return None
    return {"title": answer.title, "heading": answer.heading, "url": answer.url,
            "text": answer.text, "kind": answer.kind}


# Read-only: exempt so that a POST gets this API's JSON 405 rather than the CSRF page.
@csrf_exempt
def search(request):
    if request.method not in ("GET", "HEAD"):
        response = error_response(405, [("(method)", "use GET")])
        response["Allow"] = "GET, HEAD"
        return response
    query = request.GET.get("q", "").strip()
    problems = []
    message = views.check_query(query)
    if message:
        problems.append(("q", message))
    page = views.parse_page(request.GET.get("page"))
    if page is None:
        problems.append(("page", PAGE_ERROR))
    kind = request.GET.get("kind") or None
    if kind is not None and kind not in views.KIND_LABELS:
        problems.append(("kind", "kind must be one of: " + ", ".join(views.KIND_LABELS)))
    if problems:
        return error_response(400, problems)
    try:
        response = views.run(query, page=page, kind=kind)
    except views.SearchFailed as exc:
        return error_response(exc.status, [("q" if exc.status == 400 else "(search)", exc.message)])
    return json_response({
        "query": query,
        "answer": _answer(response.answer),
        "results": [_hit(hit) for hit in response.results],
        "total": response.total,
        "page": page,
        "pages": response.pages,
        "per_page": views.PER_PAGE,
        "corrected_query": response.corrected_query,
        "facets": dict(response.facets or {}),
        "crisis": _crisis() if getattr(response, "crisis", False) else None,
    })
