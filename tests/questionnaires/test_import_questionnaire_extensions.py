"""`careguide import-questionnaire` says which item uses which extension the engine cannot act on
(ADR 0031), and refuses limits it cannot read.

Given a questionnaire file with a broken regex, a rule without a message, a sub-questionnaire or
a unit list it does not hold, when it is imported, then nothing is imported and the error names
the item and the feature. Given extensions the engine leaves alone but whose loss changes what a
person sees, the import goes ahead with a warning naming the item and the feature. Pure display
hints pass without a word."""

import json
from io import StringIO

import pytest
from bs4 import BeautifulSoup
from django.core.management import CommandError, call_command
from django.urls import reverse

from careguide.questionnaires.models import Questionnaire

CORE = "http://hl7.org/fhir/StructureDefinition/"
SDC = "http://hl7.org/fhir/uv/sdc/StructureDefinition/"
UCUM = "http://unitsofmeasure.org"


def questionnaire(*items, **extra):
    return {"resourceType": "Questionnaire", "id": "ext-check", "title": "Extension check", "status": "active",
            "item": list(items), **extra}


def run(tmp_path, resource) -> list[str]:
    path = tmp_path / "q.json"
    path.write_text(json.dumps(resource))
    out = StringIO()
    call_command("import_questionnaire", str(path), stdout=out)
    return out.getvalue().splitlines()


def refused(tmp_path, resource) -> str:
    with pytest.raises(CommandError) as caught:
        run(tmp_path, resource)
    assert not Questionnaire.objects.filter(fhir_id="ext-check").exists()
    return str(caught.value)


def warnings(lines):
    return [line.removeprefix("  warning: ") for line in lines if line.startswith("  warning: ")]


def test_a_regex_that_is_not_a_valid_pattern_is_refused_naming_the_item(tmp_path, db):
    message = refused(tmp_path, questionnaire(
        {"linkId": "code", "type": "string", "text": "Code",
         "extension": [{"url": CORE + "regex", "valueString": "[A-Z"}]}))
    assert "Item code: the regex '[A-Z' is not a valid pattern" in message


def test_a_rule_without_its_message_is_refused(tmp_path, db):
    rule = {"url": CORE + "targetConstraint", "extension": [
        {"url": "key", "valueId": "k"}, {"url": "severity", "valueCode": "error"},
        {"url": "expression", "valueExpression": {"language": "text/fhirpath", "expression": "answer.exists()"}}]}
    message = refused(tmp_path, questionnaire({"linkId": "n", "type": "integer", "text": "N", "extension": [rule]}))
    assert "Item n has a targetConstraint without a key, an expression, a message and a severity" in message


def test_a_rule_placed_at_an_item_that_is_not_there_is_refused(tmp_path, db):
    rule = {"url": CORE + "targetConstraint", "extension": [
        {"url": "key", "valueId": "k"}, {"url": "severity", "valueCode": "error"},
        {"url": "expression", "valueExpression": {"language": "text/fhirpath", "expression": "true"}},
        {"url": "human", "valueString": "Never"},
        {"url": "location", "valueString": "QuestionnaireResponse.item.where(linkId='gone')"}]}
    message = refused(tmp_path, questionnaire({"linkId": "n", "type": "integer", "text": "N"}, extension=[rule]))
    assert "The questionnaire: constraint k is placed at gone, which is not in the questionnaire" in message


def test_a_sub_questionnaire_is_refused_as_its_questions_would_be_missing(tmp_path, db):
    message = refused(tmp_path, questionnaire({"linkId": "more", "type": "display", "text": "More", "extension": [
        {"url": SDC + "sdc-questionnaire-subQuestionnaire", "valueCanonical": "http://example.org/Questionnaire/x"}]}))
    assert "Item more uses sdc-questionnaire-subQuestionnaire, which is not supported" in message


def test_a_unit_list_the_questionnaire_does_not_hold_is_refused(tmp_path, db):
    message = refused(tmp_path, questionnaire({"linkId": "h", "type": "quantity", "text": "Height", "extension": [
        {"url": CORE + "questionnaire-unitValueSet", "valueCanonical": "http://example.org/ValueSet/lengths"}]}))
    assert "Item h: the unit list http://example.org/ValueSet/lengths is not in the questionnaire or loaded" in message


def test_a_contained_unit_list_is_offered_as_the_choice_of_units(tmp_path, client, db):
    units = {"resourceType": "ValueSet", "id": "lengths", "status": "active", "compose": {"include": [
        {"system": UCUM, "concept": [{"code": "cm", "display": "cm"}, {"code": "[in_i]", "display": "inches"}]}]}}
    run(tmp_path, questionnaire({"linkId": "h", "type": "quantity", "text": "Height", "extension": [
        {"url": CORE + "questionnaire-unitValueSet", "valueCanonical": "#lengths"}]}, contained=[units]))
    soup = BeautifulSoup(client.get(reverse("questionnaires:fill", kwargs={"fhir_id": "ext-check"})).content,
                         "html.parser")
    assert [o.get_text() for o in soup.select("#q-h__unit option")] == ["Choose a unit", "cm", "inches"]


@pytest.mark.parametrize("extension, feature", [
    ({"url": CORE + "questionnaire-signatureRequired", "valueCodeableConcept": {"text": "Patient"}},
     "questionnaire-signatureRequired"),
    ({"url": SDC + "sdc-questionnaire-itemMedia", "valueAttachment": {"contentType": "image/png", "url": "https://example.org/a.png"}},
     "sdc-questionnaire-itemMedia"),
    ({"url": CORE + "questionnaire-supportLink", "valueUri": "https://example.org/help"}, "questionnaire-supportLink"),
])
def test_an_extension_the_engine_leaves_alone_is_a_warning_naming_item_and_feature(tmp_path, db, extension, feature):
    lines = run(tmp_path, questionnaire({"linkId": "pain", "type": "integer", "text": "Pain",
                                         "extension": [extension]}))
    found = warnings(lines)
    assert len(found) == 1 and found[0].startswith(f"Item pain uses {feature}, which is not supported: ")


def test_text_worked_out_by_an_expression_is_a_warning(tmp_path, db):
    lines = run(tmp_path, questionnaire({"linkId": "hello", "type": "display", "text": "Hello", "_text": {"extension": [
        {"url": CORE + "cqf-expression", "valueExpression": {"language": "text/fhirpath", "expression": "'Hi'"}}]}}))
    assert warnings(lines) == [
        "Item hello uses cqf-expression, which is not supported: text worked out by an expression "
        "(the plain text is shown)."]


def test_display_hints_pass_without_a_warning(tmp_path, db):
    lines = run(tmp_path, questionnaire({"linkId": "pain", "type": "choice", "text": "Pain", "extension": [
        {"url": CORE + "questionnaire-choiceOrientation", "valueCode": "horizontal"},
        {"url": CORE + "rendering-style", "valueString": "color: red"}],
        "answerOption": [{"valueString": "Some"}, {"valueString": "None"}]}))
    assert warnings(lines) == []


@pytest.mark.parametrize("name, item_type", [("minLength", "integer"), ("maxDecimalPlaces", "string")])
def test_a_limit_on_a_type_it_cannot_apply_to_is_a_warning(tmp_path, db, name, item_type):
    lines = run(tmp_path, questionnaire({"linkId": "x", "type": item_type, "text": "X", "extension": [
        {"url": CORE + name, "valueInteger": 2}]}))
    assert warnings(lines) == [f"Item x: {name} is not used on a {item_type} item."]
