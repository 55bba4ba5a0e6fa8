"""Requests for resource types and addresses this server does not hold."""

from __future__ import annotations

from .http import FhirError, fhir_view


@fhir_view("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
def unknown(request, resource_type: str, resource_id: str | None = None):
    raise FhirError.simple(404, "not-supported", f"This server does not hold {resource_type} resources.")


@fhir_view("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
def unknown_path(request):
    raise FhirError.simple(404, "not-found", f"{request.path} is not an address this FHIR server answers; "
                           "GET metadata lists what it does.")
