"""Units, rich text and a warning rule in Chromium, with axe (ADR 0031).

Given a questionnaire with a unit, rich text and a rule of severity warning, when a person fills
it in a real browser, then the page passes axe before and after the warning is shown, the unit
sits beside the box, and sending the form again stores the answers."""

import copy
import json

import pytest
from django.urls import reverse
from support import axe_violations
from test_questionnaire_constraints import target_constraint
from test_questionnaire_units_and_rich_text import RICH, UNITS

CHECK = copy.deepcopy(UNITS)
CHECK["id"] = "units-rich-check"
CHECK["item"] += copy.deepcopy(RICH["item"])
CHECK["item"].append({"linkId": "sleep", "type": "integer", "text": "Hours of sleep last night", "extension": [
    target_constraint("little", "warning", "answer.value >= 4", "Less than 4 hours is very little sleep")]})


@pytest.fixture(scope="module")
def site(server, tmp_path_factory):
    from support import run_on_server

    questionnaire_file = tmp_path_factory.mktemp("constraints-site") / "check.json"
    questionnaire_file.write_text(json.dumps(CHECK))
    run_on_server(server, "import-questionnaire", str(questionnaire_file))
    return server["base"]


@pytest.mark.browser
def test_units_rich_text_and_a_warning_are_accessible_and_the_warning_lets_through(site, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    tab = context.new_page()
    tab.goto(site + reverse("questionnaires:fill", kwargs={"fhir_id": "units-rich-check"}))
    assert tab.locator("#q-height-in + .q-unit").inner_text() == "inches"
    assert axe_violations(tab) == []
    tab.get_by_label("Height").fill("67")
    tab.get_by_label("Hours of sleep last night").fill("3")
    tab.get_by_role("button", name="Submit").click()
    assert "Less than 4 hours is very little sleep" in tab.locator(".q-notice--check").inner_text()
    assert axe_violations(tab) == []
    tab.get_by_role("button", name="Submit").click()
    tab.wait_for_url("**/questionnaires/responses/*/")
    assert "Hours of sleep last night" in tab.locator("main").inner_text()
    context.close()
