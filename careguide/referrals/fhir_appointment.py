"""FHIR Appointment: read and search.

Who sees which: the patient their own; care-team staff their teams' patients'
(careguide.careteam.scoping); a referring doctor the appointments of the referrals they made.
Anyone else gets the same 404 (or an empty Bundle) as for an id that does not exist. Every
appointment returned is audited with its patient. Appointments are made by booking a slot
(careguide.referrals.booking), never by a FHIR create.
"""

from __future__ import annotations

from careguide.accounts.names import display_name
from careguide.careteam.scoping import scope, scope_referral
from careguide.fhir import search as fhir_search
from careguide.fhir.http import FhirError, fhir_view, require_signed_in
from careguide.fhir.resources import ResourceType
from careguide.questionnaires.services import USER_IDENTIFIER_SYSTEM

from . import booking
from .fhir_slot import date_filter, instant
from .models import Appointment

CAPABILITY = {
    "type": "Appointment",
    "interaction": [{"code": "read"}, {"code": "search-type"}],
    "documentation": "Created by booking a slot for an accepted referral (staff pages), not through this API.",
    "searchParam": [
        {"name": "_id", "type": "token"},
        {"name": "date", "type": "date", "documentation": "the start: ge/gt/le/lt/eq with a date or a date-time"},
        {"name": "status", "type": "token", "documentation": "booked, cancelled, fulfilled or noshow"},
        {"name": "patient", "type": "reference",
         "documentation": f"patient:identifier={USER_IDENTIFIER_SYSTEM}|<user id>"},
    ],
}


def appointment_resource(appointment: Appointment, known=None) -> dict:
    slot = appointment.slot
    place = booking.place(slot.location, known)
    resource = {
        "resourceType": "Appointment",
        "id": str(appointment.fhir_id),
        "status": appointment.status,
        "basedOn": [{"reference": f"ServiceRequest/{appointment.referral.fhir_id}"}],
        "slot": [{"reference": f"Slot/{slot.fhir_id}"}],
        "start": instant(slot.start),
        "end": instant(slot.end),
        "created": instant(appointment.booked_at),
        "participant": [
            {"actor": {"identifier": {"system": USER_IDENTIFIER_SYSTEM, "value": str(appointment.patient_id)},
                       "display": display_name(appointment.patient)},
             "status": "accepted"},
            {"actor": {"display": display_name(slot.clinician)}, "status": "accepted"},
            {"actor": {"display": place.name}, "status": "accepted"},
        ],
    }
    if appointment.status == Appointment.Status.CANCELLED and appointment.cancelled_reason:
        resource["cancelationReason"] = {"text": appointment.cancelled_reason}
    return resource


def visible(user):
    base = Appointment.objects.select_related("slot", "slot__clinician", "patient", "referral")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return base.none()
    # A referring doctor is not on the care team: they see only what follows from their referrals;
    # the team that accepted a referral sees its appointments before the patient shares the rest.
    return scope(base, user) | scope_referral(base, user) | base.filter(referral__referrer=user)


def _read_detail(request, appointment, _patient_field):
    user = request.user
    if appointment.patient_id == user.pk:
        return ""
    if appointment.referral.referrer_id == user.pk:
        return "read by referrer"
    return "read by care team"


APPOINTMENT = ResourceType("Appointment", "fhir:appointment", visible=lambda request: visible(request.user),
                           to_fhir=lambda appointment: appointment_resource(appointment), audit_detail=_read_detail)


@fhir_view("GET", "HEAD")
def appointment_read(request, resource_id: str):
    return APPOINTMENT.read(request, resource_id)


@fhir_view("GET", "HEAD")
def appointment_type(request):
    """GET /fhir/Appointment?date=ge2026-11-21&status=booked&patient:identifier=system|id"""
    require_signed_in(request)
    found = visible(request.user).order_by("slot__start", "pk")
    found = fhir_search.by_id(found, request.GET.get("_id"))
    for value in request.GET.getlist("date"):
        found = found.filter(**date_filter(value, "slot__start", "date"))
    if (value := request.GET.get("status")) is not None:
        if value not in Appointment.Status.values:
            raise FhirError.simple(400, "value", f"status: use one of {', '.join(Appointment.Status.values)}.",
                                   "status")
        found = found.filter(status=value)
    found = fhir_search.by_user_identifier(found, request.GET.get("patient:identifier"), "patient_id",
                                         "patient:identifier")
    known = booking.locations()
    return APPOINTMENT.searchset(request, found, lambda a: appointment_resource(a, known))
