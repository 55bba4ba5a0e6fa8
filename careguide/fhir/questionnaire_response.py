"""QuestionnaireResponse: create (signed in; the person is its subject), read and search.

Read and search see what careguide.careteam.scoping lets the signed-in person see: their own
responses, and a care-team member those of their team's patients; anyone else gets the
same 404 (or an empty search) as for an id that does not exist. Every response read is
audited with its patient. A response is checked against the questionnaire its
`questionnaire` names; every problem comes back as an OperationOutcome issue naming the
item's linkId."""

from __future__ import annotations

import re

from django.urls import reverse

from careguide.careteam.scoping import scope
from careguide.questionnaires import services
from careguide.questionnaires.models import QuestionnaireResponse

from . import search as fhir_search
from .http import FhirError, absolute, fhir_response, fhir_view, read_body, require_signed_in
from .outcome import from_engine_issue, operation_outcome
from .resources import ResourceType
from .validation import FhirIssue, FhirValidationError, validate

SEGMENT = re.compile(r"\.?([A-Za-z_]+)((?:\[\d+\])*)")


@fhir_view("GET", "HEAD", "POST")
def questionnaire_response_type(request):
    if request.method in ("GET", "HEAD"):
        return search(request)
    require_signed_in(request)
    body = read_body(request)
    try:
        validate(body, "QuestionnaireResponse")
    except FhirValidationError as exc:
        raise FhirError.from_issues(400, [_name_link_id(body, i) for i in exc.issues]) from exc
    reference = body.get("questionnaire")
    if not reference:
        raise FhirError.simple(400, "required", "Name the questionnaire this response answers.",
                               "QuestionnaireResponse.questionnaire")
    questionnaire = services.resolve_canonical(reference)
    if questionnaire is None:
        waiting = services.awaiting_review(reference)
        message = (f"The questionnaire {reference} is waiting for clinical review and cannot be answered yet."
                   if waiting else f"The questionnaire {reference} is not known here.")
        raise FhirError.simple(400, "not-found", message, "QuestionnaireResponse.questionnaire")
    try:
        submission = services.submit_response(questionnaire, body, user=request.user, request=request)
    except services.ResponseInvalid as exc:
        raise FhirError(400, operation_outcome([from_engine_issue(i) for i in exc.issues])) from exc
    record = submission.record
    location = absolute(request, reverse("fhir:questionnaire_response", args=[record.fhir_id]))
    version = (record.resource.get("meta") or {}).get("versionId", "1")
    # The same identifier sent again by the same person: the response stored the first time
    # (200, nothing new stored, no second alert), as for a conditional create.
    status = 200 if submission.replayed else 201
    return fhir_response(record.resource, status, {"Location": location, "ETag": f'W/"{version}"'})


def _visible(request):
    """The responses this request may see: by care-team scoping, plus an anonymous visitor's
    own answers from this browser session (not yet claimed by an account)."""
    scoped = scope(QuestionnaireResponse.objects.all(), request.user, patient_field="subject")
    return scoped | QuestionnaireResponse.objects.for_session(request)


def _etag(record) -> dict:
    return {"ETag": f'W/"{(record.resource.get("meta") or {}).get("versionId", "1")}"'}


# Read without signing in too: an anonymous visitor reads their own answers from this session.
QUESTIONNAIRE_RESPONSE = ResourceType(
    "QuestionnaireResponse", "fhir:questionnaire_response", visible=_visible, to_fhir=lambda r: r.resource,
    patient_field="subject", headers=_etag, read_needs_sign_in=False,
)


@fhir_view("GET", "HEAD")
def questionnaire_response_read(request, resource_id: str):
    return QUESTIONNAIRE_RESPONSE.read(request, resource_id)


def search(request):
    """GET /fhir/QuestionnaireResponse?_id=&questionnaire=&subject:identifier=system|value

    Only signed-in people search; the results are always within what they may see, so a
    search for someone else's id or subject answers an empty Bundle.
    """
    require_signed_in(request)
    found = _visible(request).select_related("subject").order_by("-authored", "-pk")
    found = fhir_search.by_id(found, request.GET.get("_id"))
    if (value := request.GET.get("questionnaire")) is not None:
        url, _, version = value.partition("|")
        found = found.filter(questionnaire_url=url, **({"questionnaire_version": version} if version else {}))
    found = fhir_search.by_user_identifier(found, request.GET.get("subject:identifier"), "subject_id")
    return QUESTIONNAIRE_RESPONSE.searchset(request, found)


def _name_link_id(body: dict, issue: FhirIssue) -> FhirIssue:
    """Add the linkId of the item an error sits in to its message."""
    if not issue.expression:
        return issue
    node, link_id = body, None
    path = issue.expression[0].split(".", 1)[1] if "." in issue.expression[0] else ""
    for name, indexes in SEGMENT.findall(path):
        node = node.get(name) if isinstance(node, dict) else None
        for index in re.findall(r"\d+", indexes):
            node = node[int(index)] if isinstance(node, list) and int(index) < len(node) else None
        if isinstance(node, dict) and isinstance(node.get("linkId"), str):
            link_id = node["linkId"]
    if link_id is None:
        return issue
    return FhirIssue(issue.severity, issue.code, f"{issue.diagnostics} (linkId {link_id})", issue.expression)
