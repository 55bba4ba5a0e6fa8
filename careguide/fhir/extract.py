"""POST /fhir/QuestionnaireResponse/$extract and /fhir/QuestionnaireResponse/<id>/$extract
(SDC observation-based extraction, ADR 0032).

The response is the stored one at the address (as its read would find it: scoped and
audited), or the body (a QuestionnaireResponse, or a Parameters with ``questionnaire-response``
and optionally ``questionnaire``). Items marked with sdc-questionnaire-observationExtract (on
the item or inherited) that have a code become Observations in a transaction Bundle, each
checked as FHIR R4, which is returned to the caller: this server keeps no Observations, so
nothing is stored. Answers an Observation cannot hold come back as ``issues``.
"""

from __future__ import annotations

import uuid

from careguide.questionnaires import engine, services, versions
from careguide.questionnaires.engine.extract import extract_observations

from . import parameters as params
from .http import FhirError, fhir_response, fhir_view, read_body, require_signed_in
from .outcome import from_engine_issue, operation_outcome
from .questionnaire_response import QUESTIONNAIRE_RESPONSE
from .validation import FhirIssue, FhirValidationError, validate

DEFINITION = "http://hl7.org/fhir/uv/sdc/OperationDefinition/QuestionnaireResponse-extract"
CAPABILITY = {"name": "extract", "definition": DEFINITION,
              "documentation": "Observation-based extraction: answers to items marked observationExtract, as a "
              "transaction Bundle of Observations returned to you (not stored here)."}


@fhir_view("POST")
def extract(request, resource_id: str | None = None):
    require_signed_in(request)
    if resource_id is not None:
        record = QUESTIONNAIRE_RESPONSE.find(request, resource_id)
        response, definition = record.resource, services.parsed(record.questionnaire)
    else:
        response, definition = _from_body(read_body(request))
    observations, problems = extract_observations(definition, response)
    entries = []
    for observation in observations:
        try:
            validate(observation, "Observation")
        except FhirValidationError as exc:
            raise FhirError.from_issues(400, exc.issues) from exc
        entries.append({"fullUrl": f"urn:uuid:{uuid.uuid4()}", "resource": observation,
                        "request": {"method": "POST", "url": "Observation"}})
    bundle = {"resourceType": "Bundle", "type": "transaction", "entry": entries}
    if not problems:
        return fhir_response(bundle)
    return fhir_response({"resourceType": "Parameters", "parameter": [
        {"name": "return", "resource": bundle},
        {"name": "issues", "resource": operation_outcome([from_engine_issue(i) for i in problems])},
    ]})


def _from_body(body: dict) -> tuple[dict, engine.Questionnaire]:
    questionnaire = None
    if body.get("resourceType") == "Parameters":
        given = params.read_parameters(body)
        response = params.resource(params.one(given, "questionnaire-response"), "questionnaire-response",
                                   "QuestionnaireResponse")
        if response is None:
            raise FhirError.simple(400, "required", "questionnaire-response: give the QuestionnaireResponse to "
                                   "extract.", "questionnaire-response")
        questionnaire = params.resource(params.one(given, "questionnaire"), "questionnaire", "Questionnaire")
    elif body.get("resourceType") == "QuestionnaireResponse":
        response = body
    else:
        raise FhirError.simple(400, "structure", "Send a QuestionnaireResponse, or a Parameters with "
                               "questionnaire-response.", "resourceType")
    try:
        validate(response, "QuestionnaireResponse")
    except FhirValidationError as exc:
        raise FhirError.from_issues(400, exc.issues) from exc
    if questionnaire is not None:
        try:
            return response, versions.check_questionnaire(questionnaire)[0]
        except versions.QuestionnaireInvalid as exc:
            raise FhirError.from_issues(400, [FhirIssue(i.severity, i.code, f"questionnaire: {i.diagnostics}",
                                                        i.expression) for i in exc.issues]) from exc
    reference = response.get("questionnaire")
    stored = services.resolve_canonical(reference) if isinstance(reference, str) else None
    if stored is None:
        raise FhirError.simple(400, "not-found", f"The questionnaire {str(reference)[:200]} is not known here; send it "
                               "as the questionnaire parameter.", "QuestionnaireResponse.questionnaire")
    return response, services.parsed(stored)
