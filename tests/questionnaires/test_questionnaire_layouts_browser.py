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
from browser_support import stored_response, watched_page
from django.urls import reverse
from playwright.sync_api import expect
from questionnaire_layouts_support import LAYOUTS, TABLES, TABS
from support import axe_violations


@pytest.fixture(scope="module")
def site(server, tmp_path_factory):
    from support import run_on_server

    folder = tmp_path_factory.mktemp("layouts-site")
    (folder / "layouts.json").write_text(json.dumps(LAYOUTS))
    (folder / "tables.json").write_text(json.dumps(TABLES))
    (folder / "tabs.json").write_text(json.dumps(TABS))
    run_on_server(server, "import-questionnaire", *(str(folder / f"{n}.json") for n in ("layouts", "tables", "tabs")))
    return server["base"]


@pytest.fixture
def tab(browser):
    with watched_page(browser, 375, 812) as page:
        yield page


def stored_items(tab, site):
    return {i["linkId"]: i.get("answer") for i in stored_response(tab, site)["item"]}


def screenshot(tab, name, tmp_path):
    path = tmp_path / f"{name}-{tab.viewport_size['width']}.png"
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


@pytest.mark.browser
def test_a_gtable_and_a_grid_are_tables_when_wide_and_stacked_on_a_phone(site, browser, tmp_path):
    context = browser.new_context(viewport={"width": 1024, "height": 900})
    tab = context.new_page()
    tab.goto(site + reverse("questionnaires:fill", kwargs={"fhir_id": TABLES["id"]}))
    medicines = tab.get_by_role("table", name="Medicines you take")
    expect(medicines.get_by_role("columnheader")).to_have_text(["Name", "Times a day", "With food?"])
    assert axe_violations(tab) == []
    screenshot(tab, "layouts-tables", tmp_path)
    name = tab.get_by_role("textbox", name="Medicines you take (1) Name")
    name.focus()
    tab.keyboard.type("Ondansetron")
    tab.keyboard.press("Tab")
    tab.keyboard.type("2")
    tab.keyboard.press("Tab")
    tab.keyboard.press("Space")  # the first answer of "With food?": Yes
    tab.get_by_role("button", name="Add another: Medicines you take").press("Enter")
    second = tab.get_by_role("textbox", name="Medicines you take (2) Name")
    expect(second).to_be_visible()
    expect(name).to_have_value("Ondansetron")
    second.fill("Dexamethasone")
    tab.get_by_role("textbox", name="Medicines you take (2) Times a day").fill("1")
    tab.get_by_role("group", name="Medicines you take (2) With food?").get_by_label("No").check()
    tab.get_by_role("textbox", name="Weekend Hours a night").fill("8")
    tab.set_viewport_size({"width": 375, "height": 812})
    expect(tab.get_by_text("Times a day").first).to_be_visible()  # each control's own label, stacked
    assert tab.evaluate("document.documentElement.scrollWidth") <= 375
    assert axe_violations(tab) == []
    screenshot(tab, "layouts-tables", tmp_path)
    tab.set_viewport_size({"width": 320, "height": 700})
    assert tab.evaluate("document.documentElement.scrollWidth") <= 320
    tab.get_by_role("button", name="Submit").click()
    tab.wait_for_url("**/questionnaires/responses/*/")
    match = re.search(r"/questionnaires/responses/([0-9a-f-]{36})/$", tab.url)
    resource = tab.request.get(site + reverse("fhir:questionnaire_response", args=[match.group(1)])).json()
    groups = [[(c["linkId"], c["answer"]) for c in g["item"]] for g in resource["item"] if g["linkId"] == "medicine"]
    assert groups == [
        [("medicine-name", [{"valueString": "Ondansetron"}]), ("medicine-times", [{"valueInteger": 2}]),
         ("medicine-food", [{"valueBoolean": True}])],
        [("medicine-name", [{"valueString": "Dexamethasone"}]), ("medicine-times", [{"valueInteger": 1}]),
         ("medicine-food", [{"valueBoolean": False}])]]
    sleep = next(i for i in resource["item"] if i["linkId"] == "sleep")
    assert sleep["item"] == [{"linkId": "weekend", "item": [
        {"linkId": "weekend-hours", "answer": [{"valueInteger": 8}]}]}]
    context.close()


@pytest.mark.browser
def test_tabs_work_with_the_arrow_keys_post_every_tab_and_show_the_tab_with_an_error(site, tab, tmp_path):
    tab.goto(site + reverse("questionnaires:fill", kwargs={"fhir_id": TABS["id"]}))
    tabs = tab.get_by_role("tab")
    expect(tabs).to_have_text(["Treatment now", "Side effects", "Support"])
    expect(tabs.nth(0)).to_have_attribute("aria-selected", "true")
    assert [tabs.nth(i).get_attribute("tabindex") for i in range(3)] == ["0", "-1", "-1"]
    assert axe_violations(tab) == []
    tab.get_by_role("textbox", name="What treatment are you having?").fill("Chemotherapy")
    tabs.nth(0).focus()
    tab.keyboard.press("ArrowLeft")  # wraps round to the last tab
    expect(tabs.nth(2)).to_be_focused()
    expect(tabs.nth(2)).to_have_attribute("aria-selected", "true")
    expect(tab.get_by_role("textbox", name="What treatment are you having?")).to_be_hidden()
    tab.keyboard.press("Tab")  # into the panel
    tab.keyboard.press("Tab")
    tab.keyboard.type("My sister")
    expect(tab.get_by_role("textbox", name="Who helps you at home?")).to_have_value("My sister")
    screenshot(tab, "layouts-tabs", tmp_path)
    assert tab.evaluate("document.documentElement.scrollWidth") <= 375
    # "Do you feel sick?" (in the Side effects tab, out of sight) is required and not answered.
    tab.get_by_role("button", name="Submit").click()
    expect(tab.get_by_role("tab", name="Side effects")).to_have_attribute("aria-selected", "true")
    expect(tab.get_by_role("group", name="Do you feel sick?")).to_be_visible()
    expect(tab.get_by_role("textbox", name="Who helps you at home?")).to_be_hidden()
    assert axe_violations(tab) == []
    screenshot(tab, "layouts-tabs-error", tmp_path)
    tab.get_by_role("group", name="Do you feel sick?").get_by_label("No").check()
    tab.get_by_role("button", name="Submit").click()
    tab.wait_for_url("**/questionnaires/responses/*/")
    about = stored_items_nested(tab, site)
    assert about == {"treatment": [{"valueString": "Chemotherapy"}], "sick": [{"valueBoolean": False}],
                     "helper": [{"valueString": "My sister"}]}
    assert tab.errors == []


def stored_items_nested(tab, site):
    """Every answered question of the stored response, by linkId, read back through /fhir/."""
    resource = stored_response(tab, site)
    found = {}

    def walk(items):
        for item in items:
            if "answer" in item:
                found[item["linkId"]] = item["answer"]
            walk(item.get("item", []))

    walk(resource["item"])
    return found
