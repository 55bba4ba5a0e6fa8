"""What every FHIR search here shares: the searchset Bundle and the common parameters."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable

from django.db.models import QuerySet
from django.urls import reverse

from careguide.questionnaires.services import USER_IDENTIFIER_SYSTEM

from .http import absolute, fhir_response


def by_id(found: QuerySet, value: str | None, field: str = "fhir_id") -> QuerySet:
    """``_id``: a resource id is a UUID; anything else matches nothing."""
    if value is None:
        return found
    try:
        return found.filter(**{field: uuid.UUID(value)})
    except ValueError:
        return found.none()


def by_user_identifier(found: QuerySet, value: str | None, field: str) -> QuerySet:
    """``subject:identifier`` / ``patient:identifier`` = [our user system|]<user id>."""
    if value is None:
        return found
    system, bar, user_id = value.rpartition("|")
    if (bar and system not in ("", USER_IDENTIFIER_SYSTEM)) or not user_id.isdigit():
        return found.none()
    return found.filter(**{field: int(user_id)})


def searchset(request, total: int, records: Iterable, url_name: str, to_resource: Callable):
    """The Bundle of one page of ``records`` (each with a ``fhir_id``), as the response."""
    return fhir_response({
        "resourceType": "Bundle",
        "type": "searchset",
        "total": total,
        "link": [{"relation": "self", "url": request.build_absolute_uri()}],
        "entry": [
            {"fullUrl": absolute(request, reverse(url_name, args=[r.fhir_id])),
             "resource": to_resource(r), "search": {"mode": "match"}}
            for r in records
        ],
    })
