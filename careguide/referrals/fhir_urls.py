"""This app's FHIR routes, included under /fhir/ (careguide.fhir.metadata.APP_MODULES)."""

from django.urls import path  # noqa: F401

from . import fhir_appointment, fhir_servicerequest, fhir_slot

# CapabilityStatement.rest.resource entries for the resources served here.
CAPABILITIES: list[dict] = [fhir_slot.CAPABILITY, fhir_appointment.CAPABILITY, *fhir_servicerequest.CAPABILITIES]

urlpatterns = [
    path("ServiceRequest", fhir_servicerequest.service_request_type, name="service_request_type"),
    path("ServiceRequest/<str:resource_id>", fhir_servicerequest.service_request_read, name="service_request"),
    path("Slot", fhir_slot.slot_type, name="slot_type"),
    path("Slot/<str:resource_id>", fhir_slot.slot_read, name="slot"),
    path("Appointment", fhir_appointment.appointment_type, name="appointment_type"),
    path("Appointment/<str:resource_id>", fhir_appointment.appointment_read, name="appointment"),
]
