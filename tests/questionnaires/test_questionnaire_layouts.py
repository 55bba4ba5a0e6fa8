"""Layouts the questionnaire asks for (ADR 0036), as the HTML a person gets without JavaScript.

Given a questionnaire whose items ask for a slider and an autocomplete list, when the form is
drawn, then each is a plain control that works without JavaScript (a number box carrying its
range and step for the script; a select posting the option's token), and what is posted is
stored exactly as chosen."""

import copy

import pytest
from questionnaire_layouts_support import CANCERS, LAYOUTS, TABLES, TABS
from questionnaire_support import answers_of, form_url, page, stored

from careguide.questionnaires import versions


@pytest.fixture
def imported(db):
    """The three layout questionnaires, imported as the command would."""
    return {r["id"]: versions.import_questionnaire(copy.deepcopy(r)).questionnaire for r in (LAYOUTS, TABLES, TABS)}


@pytest.fixture
def layouts(imported):
    return imported[LAYOUTS["id"]]


@pytest.fixture
def tables(imported):
    return imported[TABLES["id"]]


@pytest.fixture
def tabbed(imported):
    return imported[TABS["id"]]


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


def names_of(control, soup):
    """The accessible name aria-labelledby gives a control: its row and column headers."""
    return " ".join(soup.select_one(f"#{i}").get_text(" ", strip=True) for i in control["aria-labelledby"].split())


def test_a_gtable_is_a_table_with_headers_naming_each_control_and_the_engines_names(client, tables):
    soup = page(client.get(form_url(tables)))
    table = soup.select_one("#q-medicine table")
    assert table.select_one("caption").get_text(strip=True) == "Medicines you take"
    assert [th.get_text(strip=True) for th in table.select("thead th[scope=col]")] == [
        "Name", "Times a day", "With food?"]
    assert [th.get_text(strip=True) for th in table.select("tbody th[scope=row]")] == ["Medicines you take (1)"]
    name = table.select_one("input[name='medicine-name@0']")
    assert names_of(name, soup) == "Medicines you take (1) Name"
    assert soup.select_one(f"label[for={name['id']}]").get_text(strip=True) == "Name"  # shown when stacked
    food = table.select_one("fieldset:has(input[name='medicine-food@0'])")
    assert names_of(food, soup) == "Medicines you take (1) With food?"
    assert soup.select_one("button[name=_add][value=medicine]").get_text(strip=True) == (
        "Add another: Medicines you take")


def test_another_gtable_row_is_added_and_every_row_is_stored(client, tables):
    url = form_url(tables)
    shown = page(client.post(url, {"medicine@0": "", "medicine__count": "1", "medicine-name@0": "Ondansetron",
                                   "medicine-times@0": "2", "_add": "medicine"}))
    assert [th.get_text(strip=True) for th in shown.select("#q-medicine tbody th[scope=row]")] == [
        "Medicines you take (1)", "Medicines you take (2)"]
    assert shown.select_one("input[name='medicine-name@0']")["value"] == "Ondansetron"
    assert shown.select_one("input[name='medicine-name@1']") is not None
    record = stored(client.post(url, {
        "medicine__count": "2", "medicine-name@0": "Ondansetron", "medicine-times@0": "2",
        "medicine-food@0": "true", "medicine-name@1": "Dexamethasone", "medicine-times@1": "1",
        "medicine-food@1": "false"}))
    groups = [i for i in record.resource["item"] if i["linkId"] == "medicine"]
    assert [[(c["linkId"], c["answer"]) for c in g["item"]] for g in groups] == [
        [("medicine-name", [{"valueString": "Ondansetron"}]), ("medicine-times", [{"valueInteger": 2}]),
         ("medicine-food", [{"valueBoolean": True}])],
        [("medicine-name", [{"valueString": "Dexamethasone"}]), ("medicine-times", [{"valueInteger": 1}]),
         ("medicine-food", [{"valueBoolean": False}])]]


def test_a_grid_has_a_row_per_group_and_a_column_per_question(client, tables):
    soup = page(client.get(form_url(tables)))
    table = soup.select_one("#q-sleep table")
    assert [th.get_text(strip=True) for th in table.select("tbody th[scope=row]")] == ["Weekdays", "Weekend"]
    assert [th.get_text(strip=True) for th in table.select("thead th[scope=col]")] == [
        "Hours a night", "Woke in the night?"]
    assert names_of(table.select_one("input[name=weekend-hours]"), soup) == "Weekend Hours a night"
    record = stored(client.post(form_url(tables), {"weekday-hours": "6", "weekend-hours": "8", "weekend-woke": "true"}))
    assert answers_of(record, "weekend-hours") == [8]
    assert answers_of(record, "weekend-woke") == [True]


def test_a_tab_container_without_javascript_is_its_groups_after_links_to_them(client, tabbed):
    soup = page(client.get(form_url(tabbed)))
    tabs = soup.select_one("[data-q-tabs]")
    links = tabs.select("nav a")
    assert [a.get_text() for a in links] == ["Treatment now", "Side effects", "Support"]
    assert [soup.select_one(a["href"]).select_one("legend").get_text(strip=True) for a in links] == [
        "Treatment now", "Side effects", "Support"]
    assert [i["name"] for i in tabs.select("input[type=text]")] == ["treatment", "helper"]
    record = stored(client.post(form_url(tabbed), {"treatment": "Chemotherapy", "sick": "false",
                                                   "helper": "My sister"}))
    assert answers_of(record, "treatment") == ["Chemotherapy"]
    assert answers_of(record, "sick") == [False]
    assert answers_of(record, "helper") == ["My sister"]
