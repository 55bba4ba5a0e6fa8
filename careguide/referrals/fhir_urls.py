"""This app's FHIR routes, included under /fhir/ (careguide.fhir.metadata.APP_MODULES)."""

from django.urls import path  # noqa: F401

# CapabilityStatement.rest.resource entries for the resources served here.
CAPABILITIES: list[dict] = []

urlpatterns = []
