"""POST /fhir/QuestionnaireResponse keeps a questionnaire's limits (ADR 0031).

Given a questionnaire with regex, minLength, maxDecimalPlaces, targetConstraint rules, units and
a repeating group with minOccurs/maxOccurs, when an outside client sends answers outside them,
then it gets a 400 OperationOutcome naming the linkId and nothing is stored; a rule of severity
warning does not stop the response."""

import copy
import json

import pytest
from django.test import Client
from django.urls import reverse
from factories import PatientFactory

from careguide.fhir.validation import validate
from careguide.questionnaires import versions
from careguide.questionnaires.models import QuestionnaireResponse

FHIR_JSON = "application/fhir+json"
CORE = "http://hl7.org/fhir/StructureDefinition/"
UCUM = "http://unitsofmeasure.org"
URL = "http://careguide.invalid/fhir/Questionnaire/fhir-limits"


def target_constraint(key, severity, expression, human):
    return {"url": CORE + "targetConstraint", "extension": [
        {"url": "key", "valueId": key}, {"url": "severity", "valueCode": severity},
        {"url": "expression", "valueExpression": {"language": "text/fhirpath", "expression": expression}},
        {"url": "human", "valueString": human}]}


QUESTIONNAIRE = {
    "resourceType": "Questionnaire",
    "id": "fhir-limits",
    "url": URL,
    "title": "Limits over FHIR",
    "status": "active",
    "item": [
        {"linkId": "code", "type": "string", "text": "Clinic code",
         "extension": [{"url": CORE + "regex", "valueString": "[A-Z]{2}[0-9]{3}"}]},
        {"linkId": "nickname", "type": "string", "text": "Nickname",
         "extension": [{"url": CORE + "minLength", "valueInteger": 3}]},
        {"linkId": "dose", "type": "quantity", "text": "Dose", "extension": [
            {"url": CORE + "maxDecimalPlaces", "valueInteger": 1},
            {"url": CORE + "questionnaire-unitOption", "valueCoding": {"system": UCUM, "code": "mg", "display": "mg"}},
            {"url": CORE + "questionnaire-unitOption", "valueCoding": {"system": UCUM, "code": "g", "display": "g"}}]},
        {"linkId": "sleep", "type": "integer", "text": "Hours of sleep", "extension": [
            target_constraint("day", "error", "answer.value <= 24", "A day has only 24 hours"),
            target_constraint("little", "warning", "answer.value >= 4", "That is very little sleep")]},
        {"linkId": "contact", "type": "group", "text": "Emergency contact", "repeats": True, "extension": [
            {"url": CORE + "questionnaire-minOccurs", "valueInteger": 1},
            {"url": CORE + "questionnaire-maxOccurs", "valueInteger": 2}], "item": [
            {"linkId": "name", "type": "string", "text": "Name"}]},
    ],
}


def contact(name):
    return {"linkId": "contact", "item": [{"linkId": "name", "answer": [{"valueString": name}]}]}


def response_with(*items):
    return {"resourceType": "QuestionnaireResponse", "questionnaire": URL, "status": "completed",
            "item": [*items] if any(i["linkId"] == "contact" for i in items) else [*items, contact("Ann")]}


def answer(link_id, **value):
    return {"linkId": link_id, "answer": [value]}


@pytest.fixture
def limits(db):
    return versions.import_questionnaire(copy.deepcopy(QUESTIONNAIRE)).questionnaire


@pytest.fixture
def patient_client(db):
    client = Client(enforce_csrf_checks=True)  # JSON posts need no CSRF token
    client.force_login(PatientFactory())
    return client


def post(client, resource):
    return client.post(reverse("fhir:questionnaire_response_type"), data=json.dumps(resource),
                       content_type=FHIR_JSON)


@pytest.mark.parametrize("items, link_id, message", [
    ([answer("code", valueString="ab123")], "code", "“Clinic code” is not in the format this question asks for"),
    ([answer("nickname", valueString="Jo")], "nickname", "“Nickname” must be at least 3 characters"),
    ([answer("dose", valueQuantity={"value": 2.25, "unit": "mg", "system": UCUM, "code": "mg"})], "dose",
     "“Dose” can have at most 1 decimal place"),
    ([answer("dose", valueQuantity={"value": 2, "unit": "mg", "system": "http://example.org/units", "code": "mg"})],
     "dose", "Choose one of the listed units for “Dose”"),
    ([answer("sleep", valueInteger=30)], "sleep", "A day has only 24 hours"),
    ([contact("Ann"), contact("Bo"), contact("Cy")], "contact", "Give at most 2 entries for “Emergency contact”"),
    ([answer("code", valueString="AB123")] + [{"linkId": "contact", "item": []}], "contact",
     "Give at least 1 entry for “Emergency contact”"),
])
def test_answers_outside_the_limits_are_refused_naming_the_link_id(patient_client, limits, items, link_id, message):
    response = post(patient_client, response_with(*items))
    assert response.status_code == 400
    outcome = json.loads(response.content)
    validate(outcome)
    assert [i["diagnostics"] for i in outcome["issue"]] == [f"{message} (linkId {link_id})"]
    assert f"linkId='{link_id}'" in outcome["issue"][0]["expression"][0]
    assert not QuestionnaireResponse.objects.filter(questionnaire=limits).exists()


def test_a_warning_rule_does_not_stop_a_response(patient_client, limits):
    response = post(patient_client, response_with(answer("sleep", valueInteger=3)))
    assert response.status_code == 201
    stored = QuestionnaireResponse.objects.get(questionnaire=limits)
    assert stored.resource["item"][0]["answer"] == [{"valueInteger": 3}]


def test_answers_inside_the_limits_are_stored_with_their_units(patient_client, limits):
    dose = {"value": 2.5, "unit": "g", "system": UCUM, "code": "g"}
    response = post(patient_client, response_with(answer("code", valueString="AB123"),
                                                  answer("dose", valueQuantity=dose), contact("Ann"), contact("Bo")))
    assert response.status_code == 201
    stored = QuestionnaireResponse.objects.get(questionnaire=limits).resource
    assert stored["item"][1]["answer"] == [{"valueQuantity": dose}]
