"""ServiceRequest: a referral to Cancer Care, read and searched (never created) over FHIR.

Who sees which referral is ``services.visible_to``: the patient (once sent), the referring
doctor, and Cancer Care staff (sent referrals and their teams' ones); anyone else gets the
same 404 (or empty Bundle) as for an id that does not exist. Referrals are made through the
referral workflow (``/referrals/new/``), so a POST here is refused with 405. Every read is
audited with the patient.
"""

from __future__ import annotations

from careguide.accounts.names import display_name
from careguide.fhir import search as fhir_search
from careguide.fhir.http import FhirError, fhir_view, require_signed_in
from careguide.fhir.outcome import single
from careguide.fhir.resources import ResourceType
from careguide.questionnaires.services import USER_IDENTIFIER_SYSTEM, subject_reference

from . import services
from .models import Referral

S = Referral.Status
STATUS_EXTENSION = "http://careguide.invalid/fhir/StructureDefinition/referral-status"
# Our seven steps on FHIR's request status (R4 request-status).
FHIR_STATUS = {
    S.DRAFT: "draft",
    S.SENT: "active",
    S.ACCEPTED: "active",
    S.SCHEDULED: "active",
    S.COMPLETED: "completed",
    S.REJECTED: "revoked",
    S.CANCELLED: "revoked",
}
PERFORMER = "Cancer Care"
# SNOMED CT 3457005 "Patient referral", the usual category of a referral ServiceRequest.
CATEGORY = {"coding": [{"system": "http://snomed.info/sct", "code": "3457005", "display": "Patient referral"}]}

CAPABILITIES = [
    {
        "type": "ServiceRequest",
        "documentation": "Referrals to Cancer Care. Read and searched by the patient, the referring doctor and the "
                         "care team; created through the referral workflow, not through FHIR.",
        "interaction": [{"code": "read"}, {"code": "search-type"}],
        "searchParam": [
            {"name": "_id", "type": "token"},
            {"name": "status", "type": "token",
             "documentation": "draft, active, completed or revoked"},
            {"name": "subject", "type": "reference",
             "documentation": f"subject:identifier={USER_IDENTIFIER_SYSTEM}|<user id>"},
        ],
    }
]



def to_fhir(referral: Referral) -> dict:
    """The referral as a FHIR R4 ServiceRequest (validated on the way out by fhir_response)."""
    history = list(referral.history.all())
    updated = history[-1].at if history else referral.created_at
    resource = {
        "resourceType": "ServiceRequest",
        "id": str(referral.fhir_id),
        "meta": {"lastUpdated": updated.isoformat(timespec="milliseconds")},
        "extension": [{"url": STATUS_EXTENSION, "valueCode": referral.status}],
        "status": FHIR_STATUS[referral.status],
        "intent": "order",
        "category": [CATEGORY],
        "priority": "urgent" if referral.urgency == Referral.Urgency.URGENT else "routine",
        "code": {"text": "Referral to Cancer Care"},
        "subject": subject_reference(referral.patient),
        "authoredOn": referral.created_at.isoformat(timespec="seconds"),
        "requester": {"display": display_name(referral.referrer)},
        "performer": [{"display": referral.team.name if referral.team else PERFORMER}],
        "reasonCode": [{"text": referral.reason}],
    }
    if referral.notes:
        resource["note"] = [{"text": referral.notes}]
    if referral.previsit_response_id:
        resource["supportingInfo"] = [
            {"reference": f"QuestionnaireResponse/{referral.previsit_response.fhir_id}",
             "display": "Answers before the first visit"}
        ]
    return resource


def _visible(request):
    return services.visible_to(request.user).select_related("patient", "referrer", "team", "previsit_response") \
        .prefetch_related("history")


def _read_detail(request, referral, _patient_field):
    return "ServiceRequest read" + (" by staff" if referral.patient_id != request.user.pk else "")


SERVICE_REQUEST = ResourceType("ServiceRequest", "fhir:service_request", visible=_visible,
                               to_fhir=lambda referral: to_fhir(referral), audit_detail=_read_detail)


@fhir_view("GET", "HEAD")
def service_request_read(request, resource_id: str):
    return SERVICE_REQUEST.read(request, resource_id)


@fhir_view("GET", "HEAD", "POST")
def service_request_type(request):
    if request.method == "POST":
        raise FhirError(405, single("error", "not-supported", "Referrals are made through the referral workflow "
                                    "(/referrals/new/), not by creating a ServiceRequest."), {"Allow": "GET, HEAD"})
    return search(request)


def search(request):
    """GET /fhir/ServiceRequest?_id=&status=&subject:identifier=system|value"""
    require_signed_in(request)
    found = _visible(request).order_by("-created_at", "-pk")
    found = fhir_search.by_id(found, request.GET.get("_id"))
    if (value := request.GET.get("status")) is not None:
        ours = [s for s, fhir in FHIR_STATUS.items() if fhir in value.split(",")]
        found = found.filter(status__in=ours)
    for name in ("subject:identifier", "patient:identifier"):
        found = fhir_search.by_user_identifier(found, request.GET.get(name), "patient_id", name)
    return SERVICE_REQUEST.searchset(request, found)
