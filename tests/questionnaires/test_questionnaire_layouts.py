"""Layouts the questionnaire asks for (ADR 0036), as the HTML a person gets without JavaScript.

Given a questionnaire whose items ask for a slider and an autocomplete list, when the form is
drawn, then each is a plain control that works without JavaScript (a number box carrying its
range and step for the script; a select posting the option's token), and what is posted is
stored exactly as chosen."""

import copy

import pytest
from questionnaire_layouts_support import CANCERS, LAYOUTS
from questionnaire_support import answers_of, form_url, page, stored

from careguide.questionnaires import versions


@pytest.fixture
def layouts(db):
    return versions.import_questionnaire(copy.deepcopy(LAYOUTS)).questionnaire


def test_a_slider_is_a_number_box_with_its_range_and_step_for_the_script(client, layouts):
    soup = page(client.get(form_url(layouts)))
    box = soup.select_one("#q-pain")
    assert box["name"] == "pain"
    assert soup.select_one("label[for=q-pain]").get_text(strip=True).startswith("Pain today from 0 to 10")
    assert (box["data-q-min"], box["data-q-max"], box["data-q-step"]) == ("0", "10", "2")
    assert box.has_attr("data-q-slider")


def test_the_slider_step_is_applied_so_importing_it_is_no_longer_a_warning(db):
    result = versions.import_questionnaire(copy.deepcopy(LAYOUTS))
    assert not [w for w in result.warnings if "sliderStepValue" in str(w)]


def test_an_autocomplete_list_is_a_select_of_every_answer_without_javascript(client, layouts):
    soup = page(client.get(form_url(layouts)))
    select = soup.select_one("select#q-cancer")
    assert select["name"] == "cancer" and select.has_attr("data-q-autocomplete")
    assert soup.select_one("label[for=q-cancer]").get_text(strip=True).startswith("Which cancer do you have?")
    assert [o.get_text() for o in select.select("option")] == ["Choose an answer", *CANCERS]
    assert not soup.select("input[type=radio][name=cancer]")


def test_what_is_chosen_in_the_plain_controls_is_stored_exactly(client, layouts):
    soup = page(client.get(form_url(layouts)))
    lung = next(o["value"] for o in soup.select("select#q-cancer option") if o.get_text() == "Lung")
    record = stored(client.post(form_url(layouts), {"pain": "6", "cancer": lung, "lung-smoke": "true"}))
    assert answers_of(record, "pain") == [6]
    assert answers_of(record, "cancer") == [{"system": "http://careguide.invalid/cancers", "code": "lung",
                                             "display": "Lung"}]
    assert answers_of(record, "lung-smoke") == [True]
