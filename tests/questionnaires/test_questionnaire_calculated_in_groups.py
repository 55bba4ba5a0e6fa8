"""A calculation inside a group nothing was typed in is still worked out and stored (issue 16, item 3).

Given a questionnaire whose score sits in nested groups (and one in a repeating group) that
hold no question a person answers, when the answers it is calculated from are submitted through
the HTML form or posted to /fhir/QuestionnaireResponse, then the stored response holds the score,
inside its groups, in questionnaire order."""

import copy
import json

import pytest
from django.urls import reverse

from careguide.questionnaires import versions
from careguide.questionnaires.models import QuestionnaireResponse

CALCULATED = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression"


def calculated(expression):
    return [{"url": CALCULATED, "valueExpression": {"language": "text/fhirpath", "expression": expression}}]


A = "%resource.item.where(linkId='a').answer.value"
B = "%resource.item.where(linkId='b').answer.value"

GROUPED = {
    "resourceType": "Questionnaire",
    "id": "grouped-score",
    "url": "http://careguide.invalid/fhir/Questionnaire/grouped-score",
    "title": "Grouped score",
    "status": "active",
    "item": [
        {"linkId": "a", "type": "integer", "text": "Days with pain this week"},
        {"linkId": "b", "type": "integer", "text": "Nights with poor sleep this week"},
        {"linkId": "scores", "type": "group", "text": "Scores", "item": [
            {"linkId": "inner", "type": "group", "text": "Totals", "item": [
                {"linkId": "total", "type": "integer", "text": "Total", "extension": calculated(f"{A} + {B}")}]}]},
        {"linkId": "week", "type": "group", "text": "Each week", "repeats": True, "item": [
            {"linkId": "note", "type": "string", "text": "A note about the week"},
            {"linkId": "hours", "type": "integer", "text": "Hours of pain", "extension": calculated(f"{A} * 24")}]},
        {"linkId": "c", "type": "string", "text": "Anything else?"},
    ],
}

EXPECTED_ITEMS = [
    {"linkId": "a", "text": "Days with pain this week", "answer": [{"valueInteger": 3}]},
    {"linkId": "b", "text": "Nights with poor sleep this week", "answer": [{"valueInteger": 4}]},
    {"linkId": "scores", "text": "Scores", "item": [{"linkId": "inner", "text": "Totals", "item": [
        {"linkId": "total", "text": "Total", "answer": [{"valueInteger": 7}]}]}]},
    {"linkId": "week", "text": "Each week", "item": [
        {"linkId": "hours", "text": "Hours of pain", "answer": [{"valueInteger": 72}]}]},
    {"linkId": "c", "text": "Anything else?", "answer": [{"valueString": "No"}]},
]


def without_text(items):
    """The items as a client that sends no text writes them."""
    return [{k: (without_text(v) if k == "item" else v) for k, v in i.items() if k != "text"} for i in items]


@pytest.fixture
def grouped(db):
    return versions.import_questionnaire(copy.deepcopy(GROUPED)).questionnaire


def test_a_score_in_groups_nothing_was_typed_in_is_stored_from_the_html_form(client, grouped):
    response = client.post(reverse("questionnaires:fill", kwargs={"fhir_id": "grouped-score"}),
                           {"a": "3", "b": "4", "c": "No", "week__count": "1"})
    assert response.status_code == 303
    stored = QuestionnaireResponse.objects.get().resource["item"]
    assert without_text(stored) == without_text(EXPECTED_ITEMS)


def test_a_score_in_groups_a_client_left_out_is_stored_from_fhir(patient_client, grouped):
    body = {"resourceType": "QuestionnaireResponse", "status": "completed", "questionnaire": GROUPED["url"],
            "item": without_text([EXPECTED_ITEMS[0], EXPECTED_ITEMS[1], EXPECTED_ITEMS[4]])}
    created = patient_client.post(reverse("fhir:questionnaire_response_type"), data=json.dumps(body),
                                  content_type="application/fhir+json")
    assert created.status_code == 201, created.content
    assert without_text(json.loads(created.content)["item"]) == without_text(EXPECTED_ITEMS)

