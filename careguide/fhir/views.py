"""Requests for resource types this server does not hold."""

from __future__ import annotations

from .http import FhirError, fhir_view


@fhir_view("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
def unknown(request, resource_type: str, resource_id: str | None = None):
    raise FhirError.simple(404, "not-supported", f"This server does not hold {resource_type} resources.")
