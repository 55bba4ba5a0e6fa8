"""CarePlan: read and search a patient's treatment plans (FHIR R4).

What a person may see follows ``careguide.careteam.scoping``: their own plans, and a care-team
member those of their team's patients; another person's id answers the same 404 as an unknown
one, and a search for another person's plans an empty Bundle. Every plan read is audited with
its patient. Plans are made by applying a template on the care team's pages, so create is not
offered here (405).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from careguide.careteam.scoping import scope
from careguide.fhir import search as fhir_search
from careguide.fhir.http import fhir_view, require_signed_in
from careguide.fhir.resources import ResourceType
from careguide.fhir.validation import validate
from careguide.questionnaires.services import subject_reference

from . import plans
from .models import TreatmentPlan

PLAN_SYSTEM = "urn:careguide:care-plan"
TEMPLATE_PREFIX = "urn:careguide:plan-template:"
PLAN_STATUS = {
    TreatmentPlan.Status.ACTIVE: "active",
    TreatmentPlan.Status.COMPLETED: "completed",
    TreatmentPlan.Status.STOPPED: "revoked",
}

CAPABILITY = {
    "type": "CarePlan",
    "interaction": [{"code": "read"}, {"code": "search-type"}],
    "documentation": "Treatment plans: one activity per phase. Read and searched by the patient and their care team.",
    "searchParam": [
        {"name": "_id", "type": "token"},
        {"name": "subject", "type": "reference",
         "documentation": "subject:identifier=urn:careguide:user|<user id> (own or the care team's patients)"},
        {"name": "status", "type": "token", "documentation": "active | completed | revoked"},
    ],
}


def _activity_status(plan: TreatmentPlan, phase, today: dt.date) -> str:
    status = plans.status_on(phase.start_date, phase.end_date, today)
    if not plan.is_active and status != plans.COMPLETED:
        # An ended plan's unfinished phases will not happen (or stopped part way).
        return "stopped" if status == plans.IN_PROGRESS else "cancelled"
    return status


def resource(plan: TreatmentPlan, today: dt.date | None = None) -> dict:
    """The plan as a CarePlan, validated."""
    today = today or timezone.localdate()
    phases = list(plan.phases.all())
    start = min((p.start_date for p in phases), default=plan.start_date)
    end = max((p.end_date for p in phases), default=plan.start_date)
    body = {
        "resourceType": "CarePlan",
        "id": str(plan.fhir_id),
        "identifier": [{"system": PLAN_SYSTEM, "value": str(plan.fhir_id)}],
        # The template and version this plan was made from, as a canonical reference.
        "instantiatesCanonical": [f"{TEMPLATE_PREFIX}{plan.template_reference}"],
        "status": PLAN_STATUS[plan.status],
        "intent": "plan",
        "title": plan.title,
        "subject": subject_reference(plan.patient),
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "created": plan.created_at.isoformat(),
        "activity": [
            {"detail": {
                "status": _activity_status(plan, phase, today),
                "scheduledPeriod": {"start": phase.start_date.isoformat(), "end": phase.end_date.isoformat()},
                "description": f"{phase.title}. {phase.purpose}".strip(),
            }}
            for phase in phases
        ],
    }
    validate(body, "CarePlan")
    return body


def _visible(request):
    return scope(TreatmentPlan.objects.all(), request.user).select_related("patient").prefetch_related("phases")


CARE_PLAN = ResourceType("CarePlan", "fhir:care_plan", visible=_visible, to_fhir=lambda plan: resource(plan))


@fhir_view("GET", "HEAD")
def care_plan_read(request, resource_id: str):
    return CARE_PLAN.read(request, resource_id)


@fhir_view("GET", "HEAD")
def care_plan_search(request):
    """GET /fhir/CarePlan?subject:identifier=system|value&status=&_id="""
    require_signed_in(request)
    found = _visible(request).order_by("start_date", "pk")
    found = fhir_search.by_id(found, request.GET.get("_id"))
    found = fhir_search.by_user_identifier(found, request.GET.get("subject:identifier"), "patient_id")
    if (value := request.GET.get("status")) is not None:
        wanted = [ours for ours, theirs in PLAN_STATUS.items() if theirs in value.split(",")]
        found = found.filter(status__in=wanted)
    return CARE_PLAN.searchset(request, found)
