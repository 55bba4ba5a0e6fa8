"""Answer lists on any item type (issue 16, item 2).

Given a questionnaire whose text, whole-number, date and time questions list their answers
(answerOption), when a person fills it in on the site, then each list is drawn as choices
(radios, checkboxes when the question repeats, a drop-down when the questionnaire asks for one)
and the chosen option is stored exactly as listed, a leading space included. A closed list takes
only its options; an open one (the R5 answerConstraint extension) has an "Other" box of the
question's own type. A client posting to /fhir/QuestionnaireResponse gets the same rules."""

import copy
import json

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from careguide.questionnaires import versions
from careguide.questionnaires.models import QuestionnaireResponse

ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
CONSTRAINT = "http://hl7.org/fhir/5.0/StructureDefinition/extension-Questionnaire.item.answerConstraint"
DROP_DOWN = {"url": ITEM_CONTROL, "valueCodeableConcept": {"coding": [
    {"system": "http://hl7.org/fhir/questionnaire-item-control", "code": "drop-down"}]}}


def constraint(code):
    return {"url": CONSTRAINT, "valueCode": code}


LISTS = {
    "resourceType": "Questionnaire",
    "id": "answer-lists",
    "url": "http://careguide.invalid/fhir/Questionnaire/answer-lists",
    "title": "Answer lists",
    "status": "active",
    "item": [
        {"linkId": "stage", "type": "string", "text": "Which stage?", "answerOption": [
            {"valueString": "Stage 1"}, {"valueString": " Stage 2"}, {"valueString": "Stage 3"}]},
        {"linkId": "cycles", "type": "integer", "text": "How many cycles?", "extension": [DROP_DOWN],
         "answerOption": [{"valueInteger": 4}, {"valueInteger": 6}, {"valueInteger": 8}]},
        {"linkId": "visits", "type": "date", "text": "Which clinic days can you come?", "repeats": True,
         "answerOption": [{"valueDate": "2026-03-02"}, {"valueDate": "2026-03-09"}]},
        {"linkId": "slot", "type": "time", "text": "Which time suits you?", "answerOption": [
            {"valueTime": "09:00:00"}, {"valueTime": "14:30:00"}]},
        {"linkId": "dose", "type": "integer", "text": "Dose in mg", "extension": [constraint("optionsOrType")],
         "answerOption": [{"valueInteger": 5}, {"valueInteger": 10}]},
        {"linkId": "where", "type": "string", "text": "Where do you get care?",
         "extension": [constraint("optionsOrString")],
         "answerOption": [{"valueString": "Home"}, {"valueString": "Clinic"}]},
    ],
}


@pytest.fixture
def lists(db):
    return versions.import_questionnaire(copy.deepcopy(LISTS)).questionnaire


def fill_url():
    return reverse("questionnaires:fill", kwargs={"fhir_id": "answer-lists"})


def soup_of(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def option_value(soup, label_text):
    """The value a person's choice posts: the input or <option> whose label reads `label_text`."""
    for label in soup.select("label.q-choice__label"):
        if label.get_text() == label_text:
            return soup.find(id=label["for"])["value"]
    for option in soup.select("select option"):
        if option.get_text() == label_text:
            return option["value"]
    raise AssertionError(f"no option {label_text!r}")


def stored_answers(response):
    assert response.status_code == 303, response.content.decode()[:2000]
    record = QuestionnaireResponse.objects.latest("pk")
    return {item["linkId"]: item["answer"] for item in record.resource["item"]}


def test_listed_answers_on_any_type_are_drawn_as_choices(client, lists):
    soup = soup_of(client.get(fill_url()))
    assert [i["type"] for i in soup.select('input[name="stage"]')] == ["radio"] * 3
    assert [o.get_text() for o in soup.select('select[name="cycles"] option')][1:] == ["4", "6", "8"]
    assert [i["type"] for i in soup.select('input[name="visits"]')] == ["checkbox"] * 2
    assert [i["type"] for i in soup.select('input[name="slot"]')] == ["radio"] * 2
    # Closed lists have no box to type into; open ones have an "Other" box of their own type.
    assert soup.select('input[name="stage__other"]') == []
    dose_other = soup.select_one('input[name="dose__other"]')
    assert dose_other["inputmode"] == "numeric"
    assert soup.select_one('input[name="where__other"]')["type"] == "text"


def test_chosen_options_are_stored_exactly_as_listed(client, lists):
    soup = soup_of(client.get(fill_url()))
    data = {
        "stage": option_value(soup, " Stage 2"),
        "cycles": option_value(soup, "6"),
        "visits": [option_value(soup, "2026-03-02"), option_value(soup, "2026-03-09")],
        "slot": option_value(soup, "14:30:00"),
        "dose": option_value(soup, "10"),
        "where": option_value(soup, "Clinic"),
    }
    answers = stored_answers(client.post(fill_url(), data))
    assert answers == {
        "stage": [{"valueString": " Stage 2"}],
        "cycles": [{"valueInteger": 6}],
        "visits": [{"valueDate": "2026-03-02"}, {"valueDate": "2026-03-09"}],
        "slot": [{"valueTime": "14:30:00"}],
        "dose": [{"valueInteger": 10}],
        "where": [{"valueString": "Clinic"}],
    }


def test_an_open_list_takes_an_answer_of_its_own_type_in_other(client, lists):
    answers = stored_answers(client.post(fill_url(), {"dose": "__other", "dose__other": "7",
                                                       "where": "__other", "where__other": "A friend's house"}))
    assert answers == {"dose": [{"valueInteger": 7}], "where": [{"valueString": "A friend's house"}]}


def test_other_on_a_whole_number_list_must_be_a_whole_number(client, lists):
    response = client.post(fill_url(), {"dose": "__other", "dose__other": "seven"})
    assert response.status_code == 200
    soup = soup_of(response)
    assert [a.get_text(strip=True) for a in soup.select(".error-summary a")] == ["“Dose in mg” must be a whole number"]
    assert not QuestionnaireResponse.objects.exists()


def test_a_closed_list_refuses_a_value_that_is_not_listed(client, lists):
    response = client.post(fill_url(), {"cycles": "5"})
    assert response.status_code == 200
    assert [a.get_text(strip=True) for a in soup_of(response).select(".error-summary a")] == [
        "Choose one of the listed answers for “How many cycles?”"]
    assert not QuestionnaireResponse.objects.exists()


def test_an_answer_shown_again_keeps_its_choice_and_other_text(client, lists):
    soup = soup_of(client.get(fill_url()))
    response = client.post(fill_url(), {"stage": option_value(soup, " Stage 2"), "dose": "__other",
                                        "dose__other": "7", "cycles": "5"})
    again = soup_of(response)
    checked = again.select_one('input[name="stage"][checked]')
    assert again.select_one(f'label[for="{checked["id"]}"]').get_text() == " Stage 2"
    assert again.select_one('input[name="dose__other"]')["value"] == "7"


# --- the same rules on /fhir/QuestionnaireResponse --------------------------------------------------

def fhir_post(client, items):
    response = {"resourceType": "QuestionnaireResponse", "status": "completed",
                "questionnaire": LISTS["url"], "item": items}
    return client.post(reverse("fhir:questionnaire_response_type"), data=json.dumps(response),
                       content_type="application/fhir+json")


def test_fhir_accepts_a_listed_value_compared_by_value(patient_client, lists):
    created = fhir_post(patient_client, [{"linkId": "stage", "answer": [{"valueString": " Stage 2"}]},
                                         {"linkId": "slot", "answer": [{"valueTime": "09:00:00"}]}])
    assert created.status_code == 201
    assert json.loads(created.content)["item"][0]["answer"] == [{"valueString": " Stage 2"}]


@pytest.mark.parametrize("link_id, answer, label", [
    ("stage", {"valueString": "Stage 2"}, "Which stage?"),  # the listed one starts with a space
    ("cycles", {"valueInteger": 5}, "How many cycles?"),
    ("visits", {"valueDate": "2026-03-03"}, "Which clinic days can you come?"),
])
def test_fhir_refuses_a_value_a_closed_list_does_not_have(patient_client, lists, link_id, answer, label):
    refused = fhir_post(patient_client, [{"linkId": link_id, "answer": [answer]}])
    assert refused.status_code == 400
    outcome = json.loads(refused.content)
    assert outcome["resourceType"] == "OperationOutcome"
    assert [i["diagnostics"] for i in outcome["issue"]] == [
        f"Choose one of the listed answers for “{label}” (linkId {link_id})"]
    assert not QuestionnaireResponse.objects.exists()


@pytest.mark.parametrize("link_id, answer", [
    ("dose", {"valueInteger": 7}),
    ("where", {"valueString": "At work"}),
])
def test_fhir_accepts_a_value_an_open_list_does_not_have(patient_client, lists, link_id, answer):
    created = fhir_post(patient_client, [{"linkId": link_id, "answer": [answer]}])
    assert created.status_code == 201, created.content
    assert json.loads(created.content)["item"] == [{"linkId": link_id, "answer": [answer]}]


def test_fhir_refuses_text_where_an_open_whole_number_list_wants_a_number(patient_client, lists):
    refused = fhir_post(patient_client, [{"linkId": "dose", "answer": [{"valueString": "seven"}]}])
    assert refused.status_code == 400
    assert "(linkId dose)" in json.loads(refused.content)["issue"][0]["diagnostics"]
