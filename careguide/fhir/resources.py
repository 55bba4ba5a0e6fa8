"""What every FHIR read and search here shares, configured once per resource type.

A resource module makes one ``ResourceType``: what the signed-in person may see (their own
records, their team's patients' by careguide.careteam.scoping), how a record becomes a FHIR
resource, and how its read is audited. ``read`` answers GET /fhir/<Type>/<id> (a 404 for an id
that is unknown or out of sight alike, so a guess tells nothing) and ``searchset`` answers one
page of a search; both audit every record they return with its patient.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model, QuerySet

from careguide.audit import service as audit

from . import search as fhir_search
from .http import FhirError, fhir_response, require_signed_in

MAX_RESULTS = 100  # one page; a search narrowed by subject or patient fits in it


def read_by_care_team(request, record, patient_field: str) -> str:
    """The audit note of a read: "read by care team" unless the person reads their own record."""
    patient_id = getattr(record, f"{patient_field}_id")
    return "read by care team" if patient_id is not None and patient_id != request.user.pk else ""


@dataclass(frozen=True)
class ResourceType:
    name: str  # the FHIR type, e.g. "CarePlan"
    url_name: str  # the read URL's name, e.g. "fhir:care_plan"
    visible: Callable[[object], QuerySet]  # request -> the records this request may see
    to_fhir: Callable[[Model], dict]
    # The field naming the record's patient; None: the type holds no patient data, reads are not audited.
    patient_field: str | None = "patient"
    audit_detail: Callable = read_by_care_team  # (request, record, patient_field) -> str
    headers: Callable[[Model], dict] | None = None  # extra headers of a read (an ETag)
    read_needs_sign_in: bool = True

    def find(self, request, resource_id: str):
        """The record with this id, audited; a 404 when it is unknown or out of sight."""
        if self.read_needs_sign_in:
            require_signed_in(request)
        not_found = FhirError.simple(404, "not-found", f"{self.name}/{resource_id} is not known.")
        try:
            key = uuid.UUID(resource_id)
        except ValueError:
            raise not_found from None
        record = self.visible(request).filter(fhir_id=key).first()
        if record is None:
            raise not_found
        self.audit(request, [record])
        return record

    def read(self, request, resource_id: str):
        record = self.find(request, resource_id)
        return fhir_response(self.to_fhir(record), 200, self.headers(record) if self.headers else None)

    def audit(self, request, records) -> None:
        if self.patient_field is None:
            return
        for record in records:
            audit.record(request.user, audit.READ, record, patient=getattr(record, self.patient_field),
                         detail=self.audit_detail(request, record, self.patient_field))

    def searchset(self, request, found: QuerySet, to_fhir: Callable[[Model], dict] | None = None):
        """The Bundle of the first page of ``found``, each record audited."""
        total = found.count()
        records = list(found[:MAX_RESULTS])
        self.audit(request, records)
        return fhir_search.searchset(request, total, records, self.url_name, to_fhir or self.to_fhir)
