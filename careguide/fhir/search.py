"""What every FHIR search here shares: the searchset Bundle and the common parameters."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable

from django.db.models import QuerySet
from django.urls import reverse

from careguide.core import untrusted
from careguide.questionnaires.services import USER_IDENTIFIER_SYSTEM

from .http import FhirError, absolute, fhir_response

# Ids are ASCII digits (\d and str.isdigit would also take "²" and other scripts' digits).
ID_DIGITS = re.compile(r"[0-9]+")


def by_id(found: QuerySet, value: str | None, field: str = "fhir_id") -> QuerySet:
    """``_id``: a resource id is a UUID; anything else matches nothing."""
    if value is None:
        return found
    try:
        return found.filter(**{field: uuid.UUID(value)})
    except ValueError:
        return found.none()


def user_id(value: str, name: str) -> int | None:
    """A person's id from a search value ``[our user system|]<digits>``: None when the value
    names another system or an id too large to exist (nothing matches), a 400 naming the
    parameter when it is not an id at all (``²`` passes str.isdigit but is no number)."""
    system, bar, digits = value.rpartition("|")
    if bar and system not in ("", USER_IDENTIFIER_SYSTEM):
        return None
    if not ID_DIGITS.fullmatch(digits):
        raise FhirError.simple(400, "value", f"{name}: give a person's id as digits 0-9, e.g. "
                               f"{USER_IDENTIFIER_SYSTEM}|42.", name)
    return untrusted.record_id(digits)  # None when too large for any of our tables


def by_user_identifier(found: QuerySet, value: str | None, field: str,
                       name: str = "subject:identifier") -> QuerySet:
    """``subject:identifier`` / ``patient:identifier`` = [our user system|]<user id>."""
    if value is None:
        return found
    number = user_id(value, name)
    return found.none() if number is None else found.filter(**{field: number})


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
