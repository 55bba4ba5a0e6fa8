"""A client that works out a calculated answer itself (as LHC-Forms and Smart Forms do) sends it
with the response: a correct one is accepted at the precision it was written, and what is stored
is always the value the questionnaire's expression gives (issue 16, item 1)."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse
from factories import PatientFactory

from careguide.questionnaires import versions
from careguide.questionnaires.models import QuestionnaireResponse

FHIR_JSON = "application/fhir+json"
CALCULATED = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression"
ANSWER = "%resource.item.where(linkId='{}').answer.value"
BSA = f"(({ANSWER.format('height')} * {ANSWER.format('weight')}) / 3600).power(0.5)"
URL = "http://example.org/Questionnaire/body-surface-area"


@pytest.fixture
def body_surface_area(db):
    """Mosteller's body surface area: the square root chemotherapy doses are worked from."""
    return versions.import_questionnaire({
        "resourceType": "Questionnaire", "url": URL, "version": "1", "status": "active",
        "item": [
            {"linkId": "height", "text": "Height (cm)", "type": "decimal", "required": True},
            {"linkId": "weight", "text": "Weight (kg)", "type": "decimal", "required": True},
            {"linkId": "bsa", "text": "Body surface area (m2)", "type": "decimal", "readOnly": True,
             "extension": [{"url": CALCULATED, "valueExpression": {"language": "text/fhirpath", "expression": BSA}}]},
        ],
    }).questionnaire


@pytest.fixture
def patient_client(db):
    client = Client(enforce_csrf_checks=True)
    client.force_login(PatientFactory())
    return client


def send(client, bsa):
    items = [{"linkId": "height", "answer": [{"valueDecimal": 170}]},
             {"linkId": "weight", "answer": [{"valueDecimal": 60}]}]
    if bsa is not None:
        items.append({"linkId": "bsa", "answer": [{"valueDecimal": bsa}]})
    resource = {"resourceType": "QuestionnaireResponse", "questionnaire": f"{URL}|1", "status": "completed",
                "item": items}
    return client.post(reverse("fhir:questionnaire_response_type"), data=json.dumps(resource),
                       content_type=FHIR_JSON)


def stored_bsa(response) -> float:
    record = QuestionnaireResponse.objects.get(fhir_id=json.loads(response.content)["id"])
    (item,) = [i for i in record.resource["item"] if i["linkId"] == "bsa"]
    return item["answer"][0]["valueDecimal"]


# sqrt(170 * 60 / 3600) = 1.683250823060346...
@pytest.mark.parametrize("sent", [
    1.6832508230603465,  # a browser's binary floating point
    1.68,  # rounded for display
    1.7,
    None,  # left for the server to work out
])
def test_a_correct_calculated_answer_is_accepted_and_the_calculation_is_stored(patient_client, body_surface_area,
                                                                              sent):
    response = send(patient_client, sent)
    assert response.status_code == 201, response.content
    assert round(stored_bsa(response), 6) == 1.683251


@pytest.mark.parametrize("sent", [1.75, 1.6, 3])
def test_a_calculated_answer_that_disagrees_is_refused_naming_the_item(patient_client, body_surface_area, sent):
    response = send(patient_client, sent)
    assert response.status_code == 400
    outcome = json.loads(response.content)
    assert outcome["resourceType"] == "OperationOutcome"
    assert any("Body surface area" in issue["diagnostics"] and "expected 1.68325" in issue["diagnostics"]
               for issue in outcome["issue"])
    assert not QuestionnaireResponse.objects.filter(questionnaire=body_surface_area).exists()
