"""This app's FHIR routes, included under /fhir/ (careguide.fhir.metadata.APP_MODULES)."""

from django.urls import path

from . import fhir_careplan

# CapabilityStatement.rest.resource entries for the resources served here.
CAPABILITIES: list[dict] = [fhir_careplan.CAPABILITY]

urlpatterns = [
    path("CarePlan", fhir_careplan.care_plan_search, name="care_plan_type"),
    path("CarePlan/<str:resource_id>", fhir_careplan.care_plan_read, name="care_plan"),
]
