"""Answers a questionnaire limits (ADR 0031): regex, minLength, maxDecimalPlaces, targetConstraint
rules and how often a repeating group is filled in, through the HTML form a person fills in.

Given a questionnaire with these limits, when someone answers outside them, then the form says
so beside the question in words naming it and stores nothing; a rule of severity warning is
shown once and then lets the answers through; a number is never rounded to fit."""

import copy
import json

import pytest
from questionnaire_support import answers_of, form_url, page, stored

from careguide.questionnaires import engine, services, versions
from careguide.questionnaires.models import QuestionnaireResponse

CORE = "http://hl7.org/fhir/StructureDefinition/"
UCUM = "http://unitsofmeasure.org"


def limit(name, value):
    key = {"regex": "valueString"}.get(name, "valueInteger")
    return {"url": CORE + name, key: value}


def target_constraint(key, severity, expression, human, location=None):
    parts = [
        {"url": "key", "valueId": key},
        {"url": "severity", "valueCode": severity},
        {"url": "expression", "valueExpression": {"language": "text/fhirpath", "expression": expression}},
        {"url": "human", "valueString": human},
    ]
    if location:
        parts.append({"url": "location", "valueString": location})
    return {"url": CORE + "targetConstraint", "extension": parts}


LIMITS = {
    "resourceType": "Questionnaire",
    "id": "limits-check",
    "url": "http://careguide.invalid/fhir/Questionnaire/limits-check",
    "version": "1",
    "title": "Limits check",
    "status": "active",
    "extension": [target_constraint(
        "stop-after-start", "error",
        "item.where(linkId='stopped').answer.value.empty() or "
        "item.where(linkId='stopped').answer.value >= item.where(linkId='started').answer.value",
        "The day you stopped cannot be before the day you started",
        "QuestionnaireResponse.item.where(linkId='stopped')")],
    "item": [
        {"linkId": "code", "type": "string", "text": "Clinic code",
         "extension": [limit("regex", "[A-Z]{2}[0-9]{3}"), {"url": CORE + "entryFormat", "valueString": "AB123"}]},
        {"linkId": "nickname", "type": "string", "text": "What should we call you?",
         "extension": [limit("minLength", 3)]},
        {"linkId": "weight", "type": "decimal", "text": "Weight in kg", "extension": [limit("maxDecimalPlaces", 2)]},
        {"linkId": "dose", "type": "quantity", "text": "Dose", "extension": [
            limit("maxDecimalPlaces", 1),
            {"url": CORE + "questionnaire-unit", "valueCoding": {"system": UCUM, "code": "mg", "display": "mg"}}]},
        {"linkId": "sleep", "type": "integer", "text": "Hours of sleep last night", "extension": [
            target_constraint("day", "error", "answer.value <= 24", "A day has only 24 hours"),
            target_constraint("little", "warning", "answer.value >= 4",
                              "Less than 4 hours is very little sleep: check the number")]},
        {"linkId": "started", "type": "date", "text": "Day you started"},
        {"linkId": "stopped", "type": "date", "text": "Day you stopped"},
    ],
}

GROUPS = {
    "resourceType": "Questionnaire",
    "id": "contacts-check",
    "title": "Contacts",
    "status": "active",
    "item": [
        {"linkId": "contact", "type": "group", "text": "Emergency contact", "repeats": True, "extension": [
            {"url": CORE + "questionnaire-minOccurs", "valueInteger": 2},
            {"url": CORE + "questionnaire-maxOccurs", "valueInteger": 3}], "item": [
            {"linkId": "name", "type": "string", "text": "Name"}]},
    ],
}


@pytest.fixture
def limits(db):
    return versions.import_questionnaire(copy.deepcopy(LIMITS)).questionnaire


@pytest.fixture
def groups(db):
    return versions.import_questionnaire(copy.deepcopy(GROUPS)).questionnaire


def errors_beside(soup, html_id):
    found = soup.select_one(f"#{html_id}-error")
    return found.get_text(" ", strip=True) if found is not None else ""


def summary(soup):
    return [li.get_text(strip=True) for li in soup.select(".error-summary li")]


@pytest.mark.parametrize("data, html_id, message", [
    ({"code": "ab123"}, "q-code", "“Clinic code” is not in the format this question asks for (for example AB123)"),
    ({"code": "AB1234"}, "q-code", "“Clinic code” is not in the format this question asks for (for example AB123)"),
    ({"nickname": "Jo"}, "q-nickname", "“What should we call you?” must be at least 3 characters"),
    ({"weight": "70.125"}, "q-weight", "“Weight in kg” can have at most 2 decimal places"),
    ({"dose": "2.25"}, "q-dose", "“Dose” can have at most 1 decimal place"),
    ({"sleep": "30"}, "q-sleep", "A day has only 24 hours"),
    ({"started": "2026-03-05", "stopped": "2026-03-01"}, "q-stopped",
     "The day you stopped cannot be before the day you started"),
])
def test_an_answer_outside_the_questionnaires_limits_is_refused_beside_its_question(client, limits, data, html_id,
                                                                                   message):
    response = client.post(form_url(limits), data)
    assert response.status_code == 200
    soup = page(response)
    assert errors_beside(soup, html_id) == f"Error: {message}"
    assert message in summary(soup)
    assert not QuestionnaireResponse.objects.filter(questionnaire=limits).exists()


def test_answers_inside_the_limits_are_stored_exactly_as_typed(client, limits):
    record = stored(client.post(form_url(limits), {
        "code": "AB123", "nickname": "Joe", "weight": "70.12", "dose": "2.5", "sleep": "7",
        "started": "2026-03-01", "stopped": "2026-03-05"}))
    assert answers_of(record, "code") == ["AB123"]
    assert answers_of(record, "weight") == [70.12]
    assert answers_of(record, "dose") == [{"value": 2.5, "unit": "mg", "system": UCUM, "code": "mg"}]


def test_three_decimal_places_are_never_rounded_to_fit(client, limits):
    soup = page(client.post(form_url(limits), {"weight": "70.125"}))
    assert soup.select_one("#q-weight")["value"] == "70.125"  # what was typed, shown back to correct
    assert not QuestionnaireResponse.objects.filter(questionnaire=limits).exists()


def test_a_warning_rule_is_shown_once_and_then_lets_the_answers_through(client, limits):
    url = form_url(limits)
    first = client.post(url, {"sleep": "3"})
    assert first.status_code == 200
    soup = page(first)
    assert errors_beside(soup, "q-sleep") == "Check: Less than 4 hours is very little sleep: check the number"
    assert summary(soup) == []  # not an error
    notice = soup.select_one(".q-notice--check").get_text(" ", strip=True)
    assert "Less than 4 hours is very little sleep" in notice and "send the form again" in notice
    assert not QuestionnaireResponse.objects.filter(questionnaire=limits).exists()
    warned = soup.select_one("input[name=_warned]")["value"]
    record = stored(client.post(url, {"sleep": "3", "_warned": warned}))
    assert answers_of(record, "sleep") == [3]


def test_a_changed_answer_with_a_new_warning_is_shown_again(client, limits):
    url = form_url(limits)
    warned = page(client.post(url, {"sleep": "3"})).select_one("input[name=_warned]")["value"]
    again = client.post(url, {"sleep": "3", "code": "AB12", "_warned": warned})
    assert "“Clinic code” is not in the format" in summary(page(again))[0]


# --- repeating groups: minOccurs and maxOccurs ----------------------------------------------------

def test_a_group_that_must_be_given_twice_shows_two_blank_entries(client, groups):
    soup = page(client.get(form_url(groups)))
    assert [leg.get_text(strip=True) for leg in soup.select(".q-repeat__instance legend")] == [
        "Emergency contact (1)", "Emergency contact (2)"]


def test_fewer_entries_than_min_occurs_is_an_error_naming_the_group(client, groups):
    response = client.post(form_url(groups), {"contact__count": "2", "name@0": "Ann"})
    soup = page(response)
    assert summary(soup) == ["Give at least 2 entries for “Emergency contact”"]
    assert errors_beside(soup, "q-contact") == "Error: Give at least 2 entries for “Emergency contact”"
    assert not QuestionnaireResponse.objects.filter(questionnaire=groups).exists()


def test_add_another_stops_at_max_occurs(client, groups):
    url = form_url(groups)
    soup = page(client.post(url, {"contact__count": "2", "name@0": "Ann", "name@1": "Bo", "_add": "contact"}))
    assert len(soup.select(".q-repeat__instance")) == 3
    assert soup.select("button[name=_add][value=contact]") == []  # three is the most
    # A hand-made post asking for a fourth gets three.
    soup = page(client.post(url, {"contact__count": "3", "name@0": "Ann", "name@1": "Bo", "name@2": "Cy",
                                  "_add": "contact"}))
    assert len(soup.select(".q-repeat__instance")) == 3
    record = stored(client.post(url, {"contact__count": "3", "name@0": "Ann", "name@1": "Bo", "name@2": "Cy"}))
    assert [n["item"][0]["answer"][0]["valueString"] for n in record.resource["item"]] == ["Ann", "Bo", "Cy"]


def test_more_entries_than_max_occurs_is_refused(limits, groups):
    definition = services.parsed(groups)
    response = {"resourceType": "QuestionnaireResponse", "status": "completed", "item": [
        {"linkId": "contact", "item": [{"linkId": "name", "answer": [{"valueString": n}]}]} for n in "ABCD"]}
    issues = engine.validate_response(definition, response)
    assert [(i.message, i.link_id, i.expression) for i in issues] == [(
        "Give at most 3 entries for “Emergency contact”", "contact",
        "QuestionnaireResponse.item.where(linkId='contact')")]


# --- the engine on its own: edge cases ------------------------------------------------------------

@pytest.mark.parametrize("number, places", [(70, 0), (70.1, 1), (70.10, 1), (0.125, 3), (1e-7, 7)])
def test_decimal_places_count_what_is_written(number, places):
    from careguide.questionnaires.engine.constraints import decimal_places

    assert decimal_places(number) == places


def test_a_rule_on_an_item_in_a_repeating_group_is_placed_at_that_instance():
    definition = engine.parse_questionnaire({"resourceType": "Questionnaire", "status": "active", "item": [
        {"linkId": "dose", "type": "group", "repeats": True, "text": "Dose", "item": [
            {"linkId": "mg", "type": "integer", "text": "Milligrams", "extension": [
                target_constraint("max", "error", "answer.value < 1000", "That dose is too high")]}]}]})
    response = {"resourceType": "QuestionnaireResponse", "status": "completed", "item": [
        {"linkId": "dose", "item": [{"linkId": "mg", "answer": [{"valueInteger": n}]}]} for n in (10, 5000)]}
    issues = engine.validate_response(definition, response)
    assert [(i.message, i.anchor, i.code) for i in issues] == [("That dose is too high", "mg@1", "invariant")]


def test_a_calculated_answer_is_stored_as_worked_out_whatever_its_decimal_places():
    definition = engine.parse_questionnaire({"resourceType": "Questionnaire", "status": "active", "item": [
        {"linkId": "a", "type": "decimal", "text": "A"},
        {"linkId": "third", "type": "decimal", "text": "A third", "readOnly": True, "extension": [
            {"url": CORE + "maxDecimalPlaces", "valueInteger": 1},
            {"url": "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression",
             "valueExpression": {"language": "text/fhirpath",
                                 "expression": "%resource.item.where(linkId='a').answer.value / 4"}}]}]})
    completed, issues = engine.complete_response(definition, {
        "resourceType": "QuestionnaireResponse", "status": "completed",
        "item": [{"linkId": "a", "answer": [{"valueDecimal": 1}]}]})
    assert [i for i in issues if i.is_error] == []
    assert completed["item"][1]["answer"] == [{"valueDecimal": 0.25}]


def test_a_rule_that_cannot_be_worked_out_does_not_block():
    definition = engine.parse_questionnaire({"resourceType": "Questionnaire", "status": "active", "item": [
        {"linkId": "n", "type": "integer", "text": "N", "extension": [
            target_constraint("odd", "error", "answer.value.noSuchFunction() = 1", "Never shown")]}]})
    response = {"resourceType": "QuestionnaireResponse", "status": "completed",
                "item": [{"linkId": "n", "answer": [{"valueInteger": 1}]}]}
    assert engine.validate_response(definition, response) == []


def test_the_warned_list_is_json_the_form_reads_back(client, limits):
    warned = page(client.post(form_url(limits), {"sleep": "2"})).select_one("input[name=_warned]")["value"]
    assert json.loads(warned) == ["sleep|Less than 4 hours is very little sleep: check the number"]
