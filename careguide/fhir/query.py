"""An SDC ``application/x-fhir-query`` answered in-process by this server's own FHIR searches.

``search(request, query)`` runs ``Type?params`` through the very view ``GET /fhir/Type?params``
would run, with the same signed-in person (so the same care-team scoping and read audit),
and returns its searchset Bundle. No network call, no wider access than /fhir/ gives that
person. A query for something this server does not search raises LookupError.
"""

from __future__ import annotations

import copy
import json
from urllib.parse import urlsplit

from django.http import QueryDict
from django.urls import Resolver404, resolve, reverse

UNSEARCHABLE = ("fhir:unknown_type", "fhir:unknown_instance", "fhir:unknown_path")


def search(request, query: str) -> dict:
    """The searchset Bundle of ``query`` (``Type?name=value&...``) as ``request``'s person sees it."""
    if request is None:
        raise LookupError("there is nobody to search as")
    parts = urlsplit(query.strip())
    resource_type = parts.path.strip("/")
    if parts.scheme or parts.netloc or not resource_type.isalpha():
        raise LookupError(f"{resource_type or query!r} is not a search of this server")
    path = reverse("fhir:metadata").rsplit("metadata", 1)[0] + resource_type
    try:
        match = resolve(path)
    except Resolver404:
        match = None
    if match is None or f"{match.namespace}:{match.url_name}" in UNSEARCHABLE:
        raise LookupError(f"this server does not search {resource_type}")
    inner = copy.copy(request)
    inner.method = "GET"
    inner.path = inner.path_info = path
    inner.GET = QueryDict(parts.query)
    inner.META = {**request.META, "REQUEST_METHOD": "GET", "QUERY_STRING": parts.query, "PATH_INFO": path}
    response = match.func(inner, *match.args, **match.kwargs)
    if response.status_code != 200:
        raise LookupError(f"the search {resource_type} was refused ({response.status_code})")
    bundle = json.loads(response.content)
    if bundle.get("resourceType") != "Bundle":
        raise LookupError(f"the search {resource_type} found no Bundle")
    return bundle
