"""Layouts in Chromium with JavaScript (ADR 0036), used with the keyboard, with axe.

Given a questionnaire asking for a slider and an autocomplete list imported on the real server,
when a person moves the slider with the arrow keys and types part of an answer then picks it
with the arrow keys and Enter, then the number box follows the slider, the list filters as they
type, a question enabled by the chosen answer appears, and the stored response (read back
through /fhir/) holds exactly what they chose. The page passes axe; a phone-width screenshot
is saved for a person to look at."""

import json
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect
from questionnaire_layouts_support import LAYOUTS
from support import axe_violations


@pytest.fixture(scope="module")
def site(server, tmp_path_factory):
    from support import run_on_server

    questionnaire_file = tmp_path_factory.mktemp("layouts-site") / "layouts.json"
    questionnaire_file.write_text(json.dumps(LAYOUTS))
    run_on_server(server, "import-questionnaire", str(questionnaire_file))
    return server["base"]


@pytest.fixture
def tab(browser):
    context = browser.new_context(viewport={"width": 375, "height": 812})
    tab = context.new_page()
    tab.errors = []
    tab.on("console", lambda message: tab.errors.append(message.text) if message.type == "error" else None)
    yield tab
    context.close()


def stored_items(tab, site):
    match = re.search(r"/questionnaires/responses/([0-9a-f-]{36})/$", tab.url)
    assert match, tab.url
    fetched = tab.request.get(site + reverse("fhir:questionnaire_response", args=[match.group(1)]))
    assert fetched.status == 200
    return {i["linkId"]: i.get("answer") for i in fetched.json()["item"]}


def screenshot(tab, name, tmp_path):
    path = tmp_path / f"{name}-375.png"
    tab.screenshot(path=str(path), full_page=True)
    print("screenshot:", path)
    return path


@pytest.mark.browser
def test_a_slider_and_an_autocomplete_list_work_with_the_keyboard(site, tab, tmp_path):
    tab.goto(site + reverse("questionnaires:fill", kwargs={"fhir_id": LAYOUTS["id"]}))
    slider = tab.get_by_role("slider", name="Pain today from 0 to 10")
    box = tab.get_by_role("textbox", name="Pain today from 0 to 10")
    expect(slider).to_have_attribute("step", "2")
    expect(slider).to_have_attribute("aria-valuetext", "Not answered")
    assert axe_violations(tab) == []
    slider.focus()
    for _ in range(3):
        tab.keyboard.press("ArrowRight")
    expect(box).to_have_value("6")  # three steps of 2
    expect(slider).to_have_attribute("aria-valuetext", "6")
    box.fill("4")
    expect(slider).to_have_value("4")
    tab.keyboard.press("Shift+Tab")  # back to the slider
    tab.keyboard.press("ArrowRight")
    expect(box).to_have_value("6")

    combo = tab.get_by_role("combobox", name="Which cancer do you have?")
    smoked = tab.locator('[data-q-anchor="lung-smoke"]')
    expect(smoked).to_be_hidden()
    combo.focus()
    tab.keyboard.type("lu")
    expect(combo).to_have_attribute("aria-expanded", "true")
    options = tab.get_by_role("option")
    expect(options).to_have_text(["Lung"])
    assert axe_violations(tab) == []
    tab.keyboard.press("ArrowDown")
    expect(combo).to_have_attribute("aria-activedescendant", re.compile(r".+"))
    tab.keyboard.press("Enter")
    expect(combo).to_have_value("Lung")
    expect(combo).to_have_attribute("aria-expanded", "false")
    expect(smoked).to_be_visible()  # enableWhen on the chosen answer, in place
    smoked.get_by_label("Yes").check()
    # Typed text that is not a listed answer is never kept: leaving the box puts back the choice.
    combo.fill("Lungs of steel")
    tab.keyboard.press("Tab")
    expect(combo).to_have_value("Lung")
    screenshot(tab, "layouts-slider-autocomplete", tmp_path)
    assert tab.evaluate("document.documentElement.scrollWidth") <= 375
    assert axe_violations(tab) == []
    tab.get_by_role("button", name="Submit").click()
    tab.wait_for_url("**/questionnaires/responses/*/")
    items = stored_items(tab, site)
    assert items["pain"] == [{"valueInteger": 6}]
    assert items["cancer"] == [{"valueCoding": {"system": "http://careguide.invalid/cancers", "code": "lung",
                                                "display": "Lung"}}]
    assert items["lung-smoke"] == [{"valueBoolean": True}]
    assert tab.errors == []
