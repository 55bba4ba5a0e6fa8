"""POST /fhir/Questionnaire/$populate and /fhir/Questionnaire/<id>/$populate (SDC, ADR 0032).

The questionnaire comes from the address, or the ``questionnaire`` (a resource), ``canonical``,
``questionnaireRef`` or ``identifier`` parameter; ``subject`` names the patient, who must be
one the caller may see (themselves, or a patient of their care team: careteam.scoping), else
the same 404 as for nobody. The answer is a Parameters whose ``response`` is a
QuestionnaireResponse holding the questionnaire's initial values and its initialExpressions
worked out with %patient (the subject) and %user (the caller); an x-fhir-query runs as the
caller, through the same searches /fhir/ gives them. ``issues`` lists what could not be
worked out. Nothing is stored.
"""

from __future__ import annotations

from django.utils import timezone

from careguide.audit import service as audit
from careguide.careteam.scoping import patients_visible_to
from careguide.core import untrusted
from careguide.questionnaires import engine, launch, services, versions
from careguide.questionnaires.forms import initial_response
from careguide.questionnaires.models import Questionnaire

from . import parameters as params
from . import search as fhir_search
from .http import FhirError, fhir_response, fhir_view, read_body, require_signed_in
from .outcome import from_engine_issue, operation_outcome
from .validation import FhirIssue

DEFINITION = "http://hl7.org/fhir/uv/sdc/OperationDefinition/Questionnaire-populate"
CAPABILITY = {"name": "populate", "definition": DEFINITION,
              "documentation": "Prefill a questionnaire for a patient you may see, from initialExpression and "
              "launchContext (patient, user)."}
WAYS = ("questionnaire", "canonical", "questionnaireRef", "identifier")


@fhir_view("POST")
def populate(request, resource_id: str | None = None):
    require_signed_in(request)
    given = params.read_parameters(read_body(request))
    _, definition, reference = _questionnaire(given, resource_id)
    subject = _subject(request, given)
    context = {**_extra_contexts(given), **launch.launch_context(subject, request.user)}
    mine, problems = launch.personalised(definition, context, request)
    response = engine.without_empty_items(initial_response(mine))
    response.update(status="in-progress", subject=services.subject_reference(subject),
                    authored=timezone.now().isoformat(timespec="seconds"))
    if reference:
        response["questionnaire"] = reference
    audit.record(request.user, audit.READ, subject, patient=subject,
                 detail=f"populated {reference or 'a questionnaire'}"[:200])
    result = [{"name": "response", "resource": _ordered(response)}]
    issues = [from_engine_issue(i) for i in problems] + _context_warnings(given)
    if issues:
        result.append({"name": "issues", "resource": operation_outcome(issues)})
    return fhir_response({"resourceType": "Parameters", "parameter": result})


def _ordered(response: dict) -> dict:
    first = ("resourceType", "questionnaire", "status", "subject", "authored")
    return {**{k: response[k] for k in first if k in response},
            **{k: v for k, v in response.items() if k not in first}}


def _questionnaire(given: list[dict], resource_id: str | None):
    """(stored questionnaire or None, its engine definition, its canonical or "")."""
    ways = [name for name in WAYS if params.named(given, name)]
    if resource_id is not None:
        if ways:
            raise FhirError.simple(400, "structure", f"{ways[0]}: the address names the questionnaire already.",
                                   ways[0])
        found = None if untrusted.text_problem(resource_id) else \
            Questionnaire.objects.live().filter(fhir_id=resource_id).first()
        return _stored(found,
                       f"Questionnaire/{untrusted.printable(resource_id)[:64]}", "Questionnaire")
    if not ways:
        raise FhirError.simple(400, "required", "questionnaire: name the questionnaire to populate (questionnaire, "
                               "canonical, questionnaireRef or identifier).", "questionnaire")
    if len(ways) > 1:
        raise FhirError.simple(400, "structure", f"{ways[1]}: name the questionnaire one way only.", ways[1])
    name = ways[0]
    parameter = params.one(given, name)
    if name == "questionnaire":
        resource = params.resource(parameter, name, "Questionnaire")
        try:
            definition, _ = versions.check_questionnaire(resource)
        except versions.QuestionnaireInvalid as exc:
            raise FhirError.from_issues(400, [FhirIssue(i.severity, i.code, f"questionnaire: {i.diagnostics}",
                                                        i.expression) for i in exc.issues]) from exc
        url = resource.get("url") if isinstance(resource.get("url"), str) else ""
        version = resource.get("version") if isinstance(resource.get("version"), str) else ""
        return None, definition, (f"{url}|{version}" if url and version else url)
    if name == "identifier":
        return _stored(_by_identifier(params.value(parameter, "valueIdentifier")), "identifier", name)
    text = params.value(parameter, "valueCanonical", "valueUri", "valueString") if name == "canonical" else \
        (params.value(parameter, "valueReference") or {}).get("reference")
    if not isinstance(text, str) or not text.strip():
        raise FhirError.simple(400, "required", f"{name}: give the questionnaire's canonical url or reference.", name)
    return _stored(services.resolve_canonical(text.strip()), text.strip()[:200], name)


def _stored(questionnaire: Questionnaire | None, shown: str, name: str):
    if questionnaire is None:
        raise FhirError.simple(404, "not-found", f"{name}: {shown} is not a questionnaire that can be answered here.",
                               name)
    return questionnaire, services.parsed(questionnaire), services.canonical(questionnaire)


def _by_identifier(identifier) -> Questionnaire | None:
    if not isinstance(identifier, dict) or not identifier.get("value"):
        raise FhirError.simple(400, "required", "identifier: give its system and value.", "identifier")
    for questionnaire in Questionnaire.objects.live().order_by("-updated_at"):
        for own in questionnaire.resource.get("identifier") or ():
            # As a token search: a value without a system matches it in any system.
            if isinstance(own, dict) and own.get("value") == identifier["value"] and \
                    identifier.get("system") in (None, own.get("system")):
                return questionnaire
    return None


def _subject(request, given: list[dict]):
    """The patient ``subject`` names, if the caller may see them (else the 404 of nobody)."""
    reference = params.value(params.one(given, "subject"), "valueReference")
    if not isinstance(reference, dict):
        raise FhirError.simple(400, "required", "subject: name the patient, e.g. "
                               f'{{"reference": "Patient/42"}} or {{"identifier": {{"system": '
                               f'"{services.USER_IDENTIFIER_SYSTEM}", "value": "42"}}}}.', "subject")
    text = reference.get("reference")
    identifier = reference.get("identifier")
    if isinstance(text, str) and text.strip():
        kind, _, digits = text.strip().rstrip("/").rpartition("/")
        if kind.rpartition("/")[2] != "Patient":
            raise FhirError.simple(400, "value", "subject: refer to a Patient, e.g. Patient/42.", "subject")
        number = fhir_search.user_id(digits, "subject")
    elif isinstance(identifier, dict) and isinstance(identifier.get("value"), str):
        system = identifier.get("system") if isinstance(identifier.get("system"), str) else ""
        number = fhir_search.user_id(f"{system}|{identifier['value']}" if system else identifier["value"], "subject")
    else:
        raise FhirError.simple(400, "required", "subject: give a reference or an identifier.", "subject")
    patient = patients_visible_to(request.user).filter(pk=number).first() if number is not None else None
    if patient is None:
        raise FhirError.simple(404, "not-found", "subject: that patient is not known, or not yours to see.",
                               "subject")
    return patient


def _contexts(given: list[dict]):
    for parameter in params.named(given, "context"):
        parts = {p.get("name"): p for p in parameter.get("part") or () if isinstance(p, dict)}
        name = params.value(parts.get("name"), "valueString", "valueCode", "valueId")
        if not isinstance(name, str) or not name:
            raise FhirError.simple(400, "required", "context: each context needs a name part.", "context")
        yield name, parts.get("content")


def _extra_contexts(given: list[dict]) -> dict:
    """Contexts the caller sends as resources (their own data: nothing more is read for them).
    ``patient`` and ``user`` always come from the subject and the caller."""
    return {name: content["resource"] for name, content in _contexts(given)
            if name not in launch.SUPPLIED and isinstance(content, dict) and isinstance(content.get("resource"), dict)}


def _context_warnings(given: list[dict]) -> list[FhirIssue]:
    warnings = []
    for name, content in _contexts(given):
        if name in launch.SUPPLIED:
            warnings.append(FhirIssue("warning", "informational", f"context {name}: taken from "
                                      f"{'subject' if name == 'patient' else 'the signed-in person'}, not the "
                                      "parameter.", ("context",)))
        elif not (isinstance(content, dict) and isinstance(content.get("resource"), dict)):
            warnings.append(FhirIssue("warning", "not-supported", f"context {name}: only a resource given in the "
                                      "request is used; references are not looked up.", ("context",)))
    return warnings
