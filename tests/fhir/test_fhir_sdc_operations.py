"""SDC operations on /fhir/: Questionnaire/$populate and QuestionnaireResponse/$extract (ADR 0032).

Given a questionnaire with initialExpressions reading %patient and %user, when a client posts
$populate for a patient it may see, then it gets a QuestionnaireResponse holding the starting
values worked out for that patient (an x-fhir-query runs as the caller, scoped as /fhir/ scopes
them); for a patient it may not see it gets the 404 of nobody. Given a response to a
questionnaire whose items are marked observationExtract, $extract answers a transaction
Bundle of valid Observations, stored nowhere. Bad input is a 4xx OperationOutcome naming the
parameter, never a 5xx."""

import copy

import pytest
from django.test import Client
from django.urls import reverse
from factories import PatientFactory, TreatmentPlanFactory
from sdc_support import FHIR_QUERY, SDC, expression, launch_context, variable
from test_fhir_api import body, issues, post

from careguide.audit.models import AuditEvent
from careguide.fhir.validation import validate
from careguide.questionnaires import services, versions
from careguide.questionnaires.models import QuestionnaireResponse

LOINC = "http://loinc.org"

INTAKE = {
    "resourceType": "Questionnaire",
    "id": "intake",
    "url": "http://careguide.invalid/fhir/Questionnaire/intake",
    "version": "2",
    "identifier": [{"system": "http://careguide.invalid/forms", "value": "intake-2"}],
    "title": "Intake",
    "status": "active",
    "extension": [
        launch_context("patient", "Patient"), launch_context("user", "Practitioner"),
        variable("plans", "CarePlan?subject:identifier={{%patient.id}}", FHIR_QUERY),
    ],
    "item": [
        {"linkId": "family", "type": "string", "text": "Family name",
         "extension": [expression("initialExpression", "%patient.name.family")]},
        {"linkId": "filled-by", "type": "string", "text": "Filled in by",
         "extension": [expression("initialExpression", "%user.telecom.value")]},
        {"linkId": "plan", "type": "string", "text": "Current plan",
         "extension": [expression("initialExpression", "%plans.entry.resource.title.first()")]},
        {"linkId": "fixed", "type": "boolean", "text": "First visit?", "initial": [{"valueBoolean": True}]},
    ],
}


def subject(user):
    return {"name": "subject", "valueReference": {"reference": f"Patient/{user.pk}"}}


def parameters(*parameter):
    return {"resourceType": "Parameters", "parameter": list(parameter)}


def canonical():
    return {"name": "canonical", "valueCanonical": f"{INTAKE['url']}|{INTAKE['version']}"}


def answers(response):
    return {i["linkId"]: [next(v for k, v in a.items() if k.startswith("value")) for a in i["answer"]]
            for i in response.get("item", ())}


def populated(response):
    assert response.status_code == 200, response.content
    result = body(response)
    validate(result)
    assert result["resourceType"] == "Parameters"
    found = {p["name"]: p["resource"] for p in result["parameter"]}
    validate(found["response"], "QuestionnaireResponse")
    return found["response"]


@pytest.fixture
def intake(db):
    return versions.import_questionnaire(copy.deepcopy(INTAKE)).questionnaire


def signed_in(user):
    client = Client(enforce_csrf_checks=True)  # JSON posts need no CSRF token
    client.force_login(user)
    return client


POPULATE = "fhir:questionnaire_populate"


def test_a_patient_populates_a_questionnaire_with_their_own_details(intake, patient):
    patient.last_name = "Okafor"
    patient.save()
    plan = TreatmentPlanFactory(patient=patient)
    response = populated(post(signed_in(patient), reverse(POPULATE), parameters(canonical(), subject(patient))))
    assert response["questionnaire"] == services.canonical(intake)
    assert response["status"] == "in-progress"
    assert response["subject"] == services.subject_reference(patient)
    assert answers(response) == {"family": ["Okafor"], "filled-by": ["pat@example.org"], "plan": [plan.title],
                                 "fixed": [True]}
    assert not QuestionnaireResponse.objects.exists()  # populate stores nothing


def test_a_nurse_populates_for_their_teams_patient_as_themselves(intake, patient, nurse):
    plan = TreatmentPlanFactory(patient=patient)
    url = reverse("fhir:questionnaire_instance_populate", args=[intake.fhir_id])
    response = populated(post(signed_in(nurse), url, parameters(
        {"name": "subject", "valueReference": {"identifier": {"system": services.USER_IDENTIFIER_SYSTEM,
                                                               "value": str(patient.pk)}}})))
    assert answers(response)["filled-by"] == [nurse.email]  # %user: the nurse
    assert answers(response)["plan"] == [plan.title]  # the x-fhir-query, run as the nurse
    assert AuditEvent.objects.filter(actor=nurse, patient=patient, action="read").exists()


def test_nobody_populates_for_a_patient_they_may_not_see(intake, patient):
    stranger = PatientFactory(email="stranger@example.org")
    TreatmentPlanFactory(patient=patient)
    response = post(signed_in(stranger), reverse(POPULATE), parameters(canonical(), subject(patient)))
    assert response.status_code == 404
    [issue] = issues(response)
    assert issue["expression"] == ["subject"] and patient.email not in response.content.decode()


def test_a_questionnaire_sent_in_the_request_is_populated_too(patient, db):
    inline = {**copy.deepcopy(INTAKE), "url": "http://example.org/Questionnaire/not-stored-here"}
    response = populated(post(signed_in(patient), reverse(POPULATE), parameters(
        {"name": "questionnaire", "resource": inline}, subject(patient))))
    assert response["questionnaire"] == "http://example.org/Questionnaire/not-stored-here|2"
    assert answers(response)["filled-by"] == ["pat@example.org"]


def test_populate_finds_the_questionnaire_by_identifier(intake, patient):
    response = populated(post(signed_in(patient), reverse(POPULATE), parameters(
        {"name": "identifier", "valueIdentifier": {"value": "intake-2"}}, subject(patient))))
    assert response["questionnaire"] == services.canonical(intake)


SOMEONE = {"name": "subject", "valueReference": {"reference": "Patient/me"}}  # the signed-in patient


@pytest.mark.parametrize(("sent", "status", "named"), [
    ({"resourceType": "QuestionnaireResponse", "status": "completed"}, 400, "resourceType"),
    (parameters(SOMEONE), 400, "questionnaire"),
    (parameters({"name": "canonical", "valueCanonical": "http://nowhere.example/Q"}, SOMEONE), 404, "canonical"),
    (parameters({"name": "canonical", "valueString": " "}, SOMEONE), 400, "canonical"),
    (parameters(canonical()), 400, "subject"),
    (parameters(canonical(), {"name": "subject", "valueReference": {"reference": "Patient/abc"}}), 400, "subject"),
    (parameters(canonical(), {"name": "subject", "valueReference": {"reference": "Observation/1"}}), 400, "subject"),
    (parameters(canonical(), {"name": "subject", "valueReference": {"reference": "Patient/" + "9" * 40}}), 404,
     "subject"),
    (parameters(canonical(), {"name": "subject", "valueReference": {"display": "me"}}), 400, "subject"),
    (parameters(canonical(), SOMEONE, SOMEONE), 400, "subject"),
    (parameters(canonical(), {"name": "identifier", "valueIdentifier": {"system": "http://x.example"}}, SOMEONE), 400,
     "identifier"),
    (parameters({"name": "questionnaire", "resource": {"resourceType": "Questionnaire"}}, SOMEONE), 400,
     "questionnaire"),
    (parameters({"name": "questionnaire", "resource": {"resourceType": "Patient"}}, SOMEONE), 400, "questionnaire"),
    (parameters({"name": "questionnaire", "resource": {"resourceType": "Questionnaire", "status": "active",
                                                       "item": [{"linkId": "a", "type": "nonsense"}]}},
                SOMEONE), 400, "questionnaire"),
    (parameters(canonical(), SOMEONE, {"name": "context", "part": [{"name": "content", "valueString": "x"}]}), 400,
     "context"),
])
def test_bad_populate_requests_are_operation_outcomes_naming_the_parameter(intake, patient, sent, status, named):
    sent = copy.deepcopy(sent)
    for parameter in sent.get("parameter", ()):
        if parameter.get("valueReference") == SOMEONE["valueReference"]:
            parameter["valueReference"] = {"reference": f"Patient/{patient.pk}"}
    response = post(signed_in(patient), reverse(POPULATE), sent)
    assert response.status_code == status, response.content
    found = issues(response)
    assert any(named in (i.get("expression") or []) or named in i["diagnostics"] for i in found), found


def test_populate_of_an_address_that_is_no_questionnaire_is_a_404_naming_it(patient, db):
    for resource_id in ("no-such-form", "a\x00b"):
        url = reverse("fhir:questionnaire_instance_populate", args=[resource_id])
        response = post(signed_in(patient), url, parameters(subject(patient)))
        assert response.status_code == 404
        assert "Questionnaire/" in issues(response)[0]["diagnostics"]


def test_populate_needs_sign_in_and_a_post(intake, client):
    assert client.post(reverse(POPULATE), parameters(canonical()), content_type="application/fhir+json"
                       ).status_code == 401
    assert client.get(reverse(POPULATE)).status_code == 405


def test_the_capability_statement_lists_both_operations(client, db):
    statement = body(client.get(reverse("fhir:metadata")))
    validate(statement)
    resources = {r["type"]: r for r in statement["rest"][0]["resource"]}
    assert [o["name"] for o in resources["Questionnaire"]["operation"]] == ["populate"]
    assert [o["name"] for o in resources["QuestionnaireResponse"]["operation"]] == ["extract"]
    assert resources["QuestionnaireResponse"]["operation"][0]["definition"] == \
        "http://hl7.org/fhir/uv/sdc/OperationDefinition/QuestionnaireResponse-extract"


# --- $extract -------------------------------------------------------------------------------------

OBSERVATION_EXTRACT = {"url": SDC + "sdc-questionnaire-observationExtract", "valueBoolean": True}
VITALS = {
    "resourceType": "Questionnaire",
    "id": "vitals",
    "url": "http://careguide.invalid/fhir/Questionnaire/vitals",
    "version": "1",
    "title": "Vitals",
    "status": "active",
    "extension": [OBSERVATION_EXTRACT],
    "item": [
        {"linkId": "weight", "type": "decimal", "text": "Weight", "code": [{"system": LOINC, "code": "29463-7"}],
         "extension": [{"url": "http://hl7.org/fhir/StructureDefinition/questionnaire-unit", "valueCoding": {
             "system": "http://unitsofmeasure.org", "code": "kg", "display": "kg"}}]},
        {"linkId": "smoker", "type": "boolean", "text": "Do you smoke?",
         "code": [{"system": LOINC, "code": "72166-2"}]},
        {"linkId": "pain", "type": "choice", "text": "Pain", "code": [{"system": LOINC, "code": "72514-3"}],
         "answerOption": [{"valueCoding": {"system": LOINC, "code": "LA6111-4", "display": "None"}},
                          {"valueCoding": {"system": LOINC, "code": "LA6112-2", "display": "Some"}}]},
        {"linkId": "notes", "type": "string", "text": "Notes"},
        {"linkId": "private", "type": "group", "text": "Kept here",
         "extension": [{"url": SDC + "sdc-questionnaire-observationExtract", "valueBoolean": False}],
         "item": [{"linkId": "mood", "type": "string", "text": "Mood", "code": [{"system": LOINC, "code": "x-1"}]}]},
    ],
}


@pytest.fixture
def vitals(db):
    return versions.import_questionnaire(copy.deepcopy(VITALS)).questionnaire


def vitals_response(**extra):
    return {"resourceType": "QuestionnaireResponse", "questionnaire": VITALS["url"] + "|1", "status": "completed",
            "authored": "2026-11-30T09:00:00Z", "item": [
                {"linkId": "weight", "answer": [{"valueDecimal": 71.5}]},
                {"linkId": "smoker", "answer": [{"valueBoolean": False}]},
                {"linkId": "pain", "answer": [{"valueCoding": VITALS["item"][2]["answerOption"][1]["valueCoding"]}]},
                {"linkId": "notes", "answer": [{"valueString": "tired"}]},
                {"linkId": "private", "item": [{"linkId": "mood", "answer": [{"valueString": "low"}]}]}],
            **extra}


def observations(response):
    assert response.status_code == 200, response.content
    bundle = body(response)
    validate(bundle)
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "transaction"
    for entry in bundle["entry"]:
        validate(entry["resource"], "Observation")
        assert entry["request"] == {"method": "POST", "url": "Observation"}
    return {e["resource"]["code"]["coding"][0]["code"]: e["resource"] for e in bundle["entry"]}


def test_extract_turns_marked_answers_into_observations_and_stores_none(vitals, patient):
    subject_ref = services.subject_reference(patient)
    found = observations(post(signed_in(patient), reverse("fhir:questionnaire_response_extract"),
                              vitals_response(subject=subject_ref)))
    assert set(found) == {"29463-7", "72166-2", "72514-3"}  # no code: notes; the private group says false
    assert found["29463-7"]["valueQuantity"] == {"value": 71.5, "system": "http://unitsofmeasure.org",
                                                 "code": "kg", "unit": "kg"}
    assert found["72166-2"]["valueBoolean"] is False
    assert found["72514-3"]["valueCodeableConcept"]["coding"][0]["code"] == "LA6112-2"
    assert all(o["subject"] == subject_ref and o["effectiveDateTime"] == "2026-11-30T09:00:00Z" and
               o["status"] == "final" for o in found.values())
    assert not QuestionnaireResponse.objects.exists()


def test_extract_of_a_stored_response_links_each_observation_to_it(vitals, patient):
    client = signed_in(patient)
    created = post(client, reverse("fhir:questionnaire_response_type"), vitals_response())
    assert created.status_code == 201, created.content
    fhir_id = body(created)["id"]
    url = reverse("fhir:questionnaire_response_instance_extract", args=[fhir_id])
    found = observations(post(client, url, parameters()))
    assert found["29463-7"]["derivedFrom"] == [{"reference": f"QuestionnaireResponse/{fhir_id}"}]
    assert found["29463-7"]["subject"] == services.subject_reference(patient)
    # Someone else's response is not there to extract.
    assert post(signed_in(PatientFactory(email="x@example.org")), url, parameters()).status_code == 404


def test_extract_says_which_marked_items_it_could_not_extract(patient, db):
    questionnaire = copy.deepcopy(VITALS)
    del questionnaire["item"][1]["code"]  # marked itself, but with no code to name the Observation
    questionnaire["item"][1]["extension"] = [OBSERVATION_EXTRACT]
    response = post(signed_in(patient), reverse("fhir:questionnaire_response_extract"), parameters(
        {"name": "questionnaire-response", "resource": vitals_response()},
        {"name": "questionnaire", "resource": questionnaire}))
    assert response.status_code == 200, response.content
    result = {p["name"]: p["resource"] for p in body(response)["parameter"]}
    assert len(result["return"]["entry"]) == 2
    assert any("smoker" in i["diagnostics"] for i in result["issues"]["issue"])


@pytest.mark.parametrize(("sent", "named"), [
    (parameters(), "questionnaire-response"),
    (parameters({"name": "questionnaire-response", "resource": {"resourceType": "Patient"}}), "questionnaire-response"),
    ({"resourceType": "Patient"}, "resourceType"),
    ({**vitals_response(), "questionnaire": "http://nowhere.example/Q"}, "QuestionnaireResponse.questionnaire"),
    ({**vitals_response(), "status": "bogus"}, "QuestionnaireResponse.status"),
    (parameters({"name": "questionnaire-response", "resource": vitals_response()},
                {"name": "questionnaire", "resource": {"resourceType": "Questionnaire"}}), "questionnaire"),
])
def test_bad_extract_requests_are_operation_outcomes_naming_the_parameter(vitals, patient, sent, named):
    response = post(signed_in(patient), reverse("fhir:questionnaire_response_extract"), sent)
    assert 400 <= response.status_code < 500, response.content
    found = issues(response)
    assert any(named in (i.get("expression") or []) or named in i["diagnostics"] for i in found), found


# --- fuzz: whatever is sent, an answer and never a 5xx ---------------------------------------------

PARAMETER_NAMES = ["subject", "canonical", "questionnaire", "questionnaireRef", "identifier", "context",
                   "questionnaire-response", "local"]
VALUE_KEYS = ["valueReference", "valueCanonical", "valueString", "valueIdentifier", "resource", "part",
              "valueBoolean", "valueUri"]


def test_nothing_sent_to_populate_or_extract_makes_a_server_error(intake, vitals, patient):
    from fuzz_support import dump, json_values
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    client = signed_in(patient)
    addresses = [reverse(POPULATE), reverse("fhir:questionnaire_instance_populate", args=[intake.fhir_id]),
                 reverse("fhir:questionnaire_response_extract")]
    real = [subject(patient), canonical(), {"name": "questionnaire-response", "resource": vitals_response()}]
    parameter = st.one_of(st.sampled_from(real), st.builds(
        lambda name, key, value: {"name": name, key: value},
        st.sampled_from(PARAMETER_NAMES), st.sampled_from(VALUE_KEYS), json_values()))

    @settings(max_examples=60, derandomize=True, database=None, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(where=st.sampled_from(addresses), given_parameters=st.lists(parameter, max_size=4))
    def check(where, given_parameters):
        response = client.post(where, dump(parameters(*given_parameters)), content_type="application/fhir+json")
        assert response.status_code < 500, response.content
        assert body(response)["resourceType"] in ("Parameters", "Bundle", "OperationOutcome")

    check()
