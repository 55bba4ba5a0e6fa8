"""Units and rich text in the HTML form (ADR 0031).

Given a questionnaire whose numbers have units, when someone fills it in, then each unit is
shown beside its box (a height asked in inches says "inches"), a choice of units is offered
when there are several, and the stored quantity carries the chosen unit's code and system,
which calculations read. Given rich text (rendering-xhtml, rendering-markdown) and option
prefixes, the page shows them cleaned: no script, no event handler, no hidden text, no
javascript: link ever reaches the page, and the plain text stays the label when nothing is left."""

import copy

import pytest
from questionnaire_support import answers_of, form_url, page, stored

from careguide.questionnaires import versions

CORE = "http://hl7.org/fhir/StructureDefinition/"
SDC = "http://hl7.org/fhir/uv/sdc/StructureDefinition/"
UCUM = "http://unitsofmeasure.org"
INCH = {"system": UCUM, "code": "[in_i]", "display": "inches"}
CM = {"system": UCUM, "code": "cm", "display": "cm"}

UNITS = {
    "resourceType": "Questionnaire",
    "id": "units-check",
    "title": "Body size",
    "status": "active",
    "item": [
        {"linkId": "height-in", "type": "decimal", "text": "Height",
         "extension": [{"url": CORE + "questionnaire-unit", "valueCoding": INCH}]},
        {"linkId": "length", "type": "quantity", "text": "Length of the scar", "extension": [
            {"url": CORE + "questionnaire-unitOption", "valueCoding": CM},
            {"url": CORE + "questionnaire-unitOption", "valueCoding": INCH}]},
        {"linkId": "length-cm", "type": "decimal", "text": "Length in cm", "readOnly": True, "extension": [
            {"url": SDC + "sdc-questionnaire-calculatedExpression", "valueExpression": {
                "language": "text/fhirpath",
                "expression": "%resource.item.where(linkId='length').answer.value"
                              ".select(iif(code = '[in_i]', value * 2.54, value))"}}]},
        {"linkId": "waist", "type": "quantity", "text": "Waist",
         "extension": [{"url": CORE + "questionnaire-unit", "valueCoding": CM}]},
    ],
}

XHTML = CORE + "rendering-xhtml"
MARKDOWN = CORE + "rendering-markdown"
RICH = {
    "resourceType": "Questionnaire",
    "id": "rich-check",
    "title": "Rich text",
    "status": "active",
    "item": [
        {"linkId": "intro", "type": "display", "text": "Read this first. Then answer.",
         "_text": {"extension": [{"url": MARKDOWN, "valueMarkdown": "Read **this** first.\n\nThen answer."}]}},
        {"linkId": "pain", "type": "choice", "text": "How bad is the pain?", "prefix": "1.",
         "_prefix": {"extension": [{"url": XHTML, "valueString": "<b>1.</b>"}]},
         "_text": {"extension": [{"url": XHTML, "valueString":
                  '<div xmlns="http://www.w3.org/1999/xhtml">How <em>bad</em> is the pain?'
                  '<script>alert(1)</script><span style="display:none" onmouseover="steal()"> now</span>'
                  ' <a href="javascript:alert(2)">help</a> <a href="https://example.org/pain">more</a>'
                  '<img src="x" onerror="alert(3)"></div>'}]},
         "answerOption": [
             {"valueString": "Mild", "extension": [{"url": CORE + "questionnaire-optionPrefix", "valueString": "a)"}],
              "_valueString": {"extension": [{"url": MARKDOWN, "valueMarkdown": "*Mild*"}]}},
             {"valueCoding": {"code": "bad", "display": "Bad",
                              "_display": {"extension": [{"url": XHTML, "valueString": "<strong>Bad</strong>"}]}},
              "extension": [{"url": CORE + "questionnaire-optionPrefix", "valueString": "b)"}]}]},
        {"linkId": "empty", "type": "string", "text": "Your name",
         "_text": {"extension": [{"url": XHTML, "valueString": '<div><img src="x"><script>x()</script></div>'}]},
         "item": [{"linkId": "empty-help", "type": "display", "text": "As on your card",
                   "_text": {"extension": [
                       {"url": XHTML, "valueString": "<i>As</i> on your card<script>x()</script>"}]}}]},
    ],
}


@pytest.fixture
def units(db):
    return versions.import_questionnaire(copy.deepcopy(UNITS)).questionnaire


@pytest.fixture
def rich(db):
    return versions.import_questionnaire(copy.deepcopy(RICH)).questionnaire


# --- units ---------------------------------------------------------------------------------------

def test_a_number_asked_in_a_unit_shows_the_unit_beside_its_box(client, units):
    soup = page(client.get(form_url(units)))
    box = soup.select_one("#q-height-in")
    unit = box.find_next_sibling("span", class_="q-unit")
    assert unit is not None and unit.get_text(strip=True) == "inches"
    assert unit["id"] in box["aria-describedby"].split()  # read out with the box


def test_a_quantity_with_one_unit_shows_it_beside_its_box(client, units):
    soup = page(client.get(form_url(units)))
    assert soup.select_one("#q-waist").find_next_sibling("span", class_="q-unit").get_text(strip=True) == "cm"


def test_several_units_are_a_choice_and_the_chosen_one_is_stored_exactly(client, units):
    url = form_url(units)
    soup = page(client.get(url))
    assert [o.get_text() for o in soup.select("#q-length__unit option")] == ["Choose a unit", "cm", "inches"]
    record = stored(client.post(url, {"height-in": "67", "length": "2", "length__unit": "[in_i]",
                                      "waist": "80"}))
    assert answers_of(record, "height-in") == [67]
    assert answers_of(record, "length") == [{"value": 2, "unit": "inches", "system": UCUM, "code": "[in_i]"}]
    assert answers_of(record, "waist") == [{"value": 80, "unit": "cm", "system": UCUM, "code": "cm"}]
    # The calculation read the unit: 2 inches is 5.08 cm.
    assert answers_of(record, "length-cm") == [5.08]


# --- rich text -----------------------------------------------------------------------------------

def test_rich_text_is_shown_cleaned(client, rich):
    soup = page(client.get(form_url(rich)))
    legend = soup.select_one("fieldset legend")
    assert legend.select_one("b").get_text() == "1."
    assert legend.select_one("em").get_text() == "bad"
    assert legend.select_one("a[href='https://example.org/pain']") is not None
    assert " now" in legend.get_text()  # a style that hid words is dropped, the words stay
    html = str(soup.select_one("main"))
    for banned in ("<script>alert", "onmouseover", "onerror", "javascript:", "display:none", "<img"):
        assert banned not in html
    display = soup.select_one(".q-display")
    assert display.select_one("strong").get_text() == "this"
    assert [p.get_text() for p in display.select("p")] == ["Read this first.", "Then answer."]


def test_answer_labels_show_their_prefix_and_rich_text(client, rich):
    soup = page(client.get(form_url(rich)))
    labels = soup.select(".q-choice__label")
    assert [label.get_text(" ", strip=True) for label in labels] == ["a) Mild", "b) Bad"]
    assert labels[0].select_one(".q-option-prefix").get_text() == "a)"
    assert labels[0].select_one("em").get_text() == "Mild"
    assert labels[1].select_one("strong").get_text() == "Bad"


def test_rich_text_with_nothing_readable_left_falls_back_to_the_plain_text(client, rich):
    soup = page(client.get(form_url(rich)))
    assert soup.select_one("label[for=q-empty]").get_text(strip=True) == "Your name"


def test_a_help_text_in_rich_text_is_shown_cleaned_as_the_hint(client, rich):
    hint = page(client.get(form_url(rich))).select_one("#q-empty-hint")
    assert hint.select_one("i").get_text() == "As" and hint.get_text() == "As on your card"


def test_answers_to_rich_text_questions_are_stored_by_value(client, rich):
    record = stored(client.post(form_url(rich), {"pain": "bad"}))
    assert answers_of(record, "pain") == [
        {"code": "bad", "display": "Bad",
         "_display": {"extension": [{"url": XHTML, "valueString": "<strong>Bad</strong>"}]}}]
