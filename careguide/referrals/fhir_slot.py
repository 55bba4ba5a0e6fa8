"""FHIR Slot: read and search, for any signed-in person.

A slot says only that a clinician has a time at a location and whether it is taken; it carries
no patient data, so it is not scoped. Its schedule (clinician at a location) is a contained
Schedule, since this server does not serve Schedule resources.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from django.db.models import Exists
from django.utils.dateparse import parse_date, parse_datetime

from careguide.accounts.names import display_name
from careguide.fhir import search as fhir_search
from careguide.fhir.http import FhirError, fhir_view, require_signed_in
from careguide.fhir.resources import ResourceType

from . import booking
from .models import Slot

PREFIXES = {"ge": "gte", "gt": "gt", "le": "lte", "lt": "lt", "eq": None}
DATE_PARAM = re.compile(r"^(eq|ge|gt|le|lt)?(.+)$")

CAPABILITY = {
    "type": "Slot",
    "interaction": [{"code": "read"}, {"code": "search-type"}],
    "searchParam": [
        {"name": "_id", "type": "token"},
        {"name": "start", "type": "date", "documentation": "ge/gt/le/lt/eq with a date or a date-time"},
        {"name": "status", "type": "token", "documentation": "free or busy"},
    ],
}


def instant(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def slot_resource(slot: Slot, *, busy: bool, known=None) -> dict:
    place = booking.place(slot.location, known)
    clinician = display_name(slot.clinician)
    return {
        "resourceType": "Slot",
        "id": str(slot.fhir_id),
        "contained": [{
            "resourceType": "Schedule",
            "id": "schedule",
            "active": True,
            "actor": [{"display": clinician}, {"display": place.name}],
        }],
        "schedule": {"reference": "#schedule", "display": f"{clinician} at {place.name}"},
        "status": "busy" if busy else "free",
        "start": instant(slot.start),
        "end": instant(slot.end),
    }


def _with_busy(queryset):
    return queryset.select_related("clinician").annotate(busy=Exists(booking.booked_in()))


# A slot holds no patient data: its reads are not audited.
SLOT = ResourceType("Slot", "fhir:slot", visible=lambda request: _with_busy(Slot.objects.all()),
                    to_fhir=lambda slot: slot_resource(slot, busy=slot.busy), patient_field=None)


@fhir_view("GET", "HEAD")
def slot_read(request, resource_id: str):
    return SLOT.read(request, resource_id)


def date_filter(value: str, field: str, name: str) -> dict:
    """A FHIR date search value (``ge2026-11-21``, ``lt2026-11-21T10:00:00Z``) as a Django filter;
    an error naming the parameter when it cannot be read."""
    match = DATE_PARAM.match(value)
    if match is None:
        raise FhirError.simple(400, "value", f"{name}: give a date (e.g. ge2026-11-21).", name)
    prefix, text = match.group(1) or "eq", match.group(2)
    try:
        moment = parse_datetime(text.replace("Z", "+00:00")) if "T" in text else None
        day = parse_date(text) if moment is None and "T" not in text else None
    except ValueError:  # well-formed but impossible, e.g. month 13
        moment = day = None
    if moment is None and day is None:
        raise FhirError.simple(400, "value", f"{name}: '{value}' is not a date (use e.g. ge2026-11-21).", name)
    if moment is not None and moment.tzinfo is None:
        raise FhirError.simple(400, "value", f"{name}: give a time zone with the time (e.g. Z).", name)
    try:
        # The database compares in UTC: a time near year 1 or 9999 may have no UTC equivalent.
        moment = moment.astimezone(UTC) if moment is not None else None
    except OverflowError:
        raise FhirError.simple(400, "value", f"{name}: '{value}' is outside the dates this server can search.",
                               name) from None
    if day is not None:
        lookup = {"eq": "date", "ge": "date__gte", "gt": "date__gt", "le": "date__lte", "lt": "date__lt"}[prefix]
        return {f"{field}__{lookup}": day}
    lookup = PREFIXES[prefix]
    return {f"{field}__{lookup}" if lookup else field: moment}


@fhir_view("GET", "HEAD")
def slot_type(request):
    """GET /fhir/Slot?start=ge2026-11-21&status=free"""
    require_signed_in(request)
    found = _with_busy(Slot.objects.all()).order_by("start", "pk")
    found = fhir_search.by_id(found, request.GET.get("_id"))
    for value in request.GET.getlist("start"):
        found = found.filter(**date_filter(value, "start", "start"))
    if (value := request.GET.get("status")) is not None:
        if value not in ("free", "busy"):
            raise FhirError.simple(400, "value", "status: use free or busy.", "status")
        found = found.filter(busy=value == "busy")
    known = booking.locations()
    return SLOT.searchset(request, found, lambda s: slot_resource(s, busy=s.busy, known=known))
