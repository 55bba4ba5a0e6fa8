"""In Chromium with JavaScript: a live score, and questions whose condition is an expression.

Given the LHC-Forms PHQ-9 and a questionnaire with enableWhenExpressions imported on the real
server, when a person answers in the browser, then the PHQ-9 total updates as they answer, a
question enabled by an expression (or by a score) appears in place with the notice a screen
reader hears, and the response stored is exactly what they answered, with the score the server
works out. The page passes axe before and after."""

import json

import paths
import pytest
from browser_support import stored_response, watched_page
from django.urls import reverse
from playwright.sync_api import expect
from questionnaire_expressions_support import EXPRESSIONS
from support import axe_violations

from careguide.questionnaires import engine

PHQ9_FILE = paths.EVAL / "fhir-questionnaires" / "lforms_R4_phq9.json"
NOTICE = "More questions have appeared based on your answers"


@pytest.fixture(scope="module")
def site(server, tmp_path_factory):
    """The shared production server (conftest.py) with both questionnaires imported by the command."""
    from support import run_on_server

    folder = tmp_path_factory.mktemp("live-state")
    (folder / "expressions.json").write_text(json.dumps(EXPRESSIONS))
    run_on_server(server, "import-questionnaire", str(PHQ9_FILE), str(folder / "expressions.json"))
    return server["base"]


@pytest.fixture
def tab(browser):
    with watched_page(browser, 390, 844) as page:
        yield page


@pytest.mark.browser
def test_the_phq9_total_updates_as_the_person_answers(site, tab):
    definition = engine.parse_questionnaire(json.loads(PHQ9_FILE.read_text()))
    questions = definition.items[:9]
    tab.goto(site + reverse("questionnaires:fill", kwargs={"fhir_id": "44249-1-x"}))
    total = tab.locator('[data-q-anchor="/44261-6"] .q-output__value')
    expect(total).to_have_text("Worked out from your answers")
    assert axe_violations(tab) == []

    def choose(question, option):  # LHC-Forms asks for drop-down lists here
        shown = f"{option.prefix} {option.label}" if option.prefix is not None else option.label  # optionPrefix
        tab.get_by_label(question.label).select_option(label=shown)

    choose(questions[0], questions[0].options[3])
    expect(total).to_have_text("3")
    choose(questions[1], questions[1].options[2])
    expect(total).to_have_text("5")
    for question in questions[2:]:
        choose(question, question.options[1])
    expect(total).to_have_text("12")  # 3 + 2 + seven answers worth 1
    assert total.get_attribute("aria-live") == "polite"
    assert axe_violations(tab) == []
    tab.get_by_role("button", name="Submit").click()
    tab.wait_for_url("**/questionnaires/responses/*/")
    resource = stored_response(tab, site)
    chosen = [questions[0].options[3], questions[1].options[2], *[q.options[1] for q in questions[2:]]]
    by_link_id = {i["linkId"]: i["answer"] for i in resource["item"]}
    assert [by_link_id[q.link_id] for q in questions] == [[o.answer] for o in chosen]
    assert by_link_id["/44261-6"] == [{"valueDecimal": 12}]
    assert tab.errors == []  # nothing blocked by the content security policy


@pytest.mark.browser
def test_a_question_enabled_by_an_expression_appears_in_place(site, tab):
    tab.goto(site + reverse("questionnaires:fill", kwargs={"fhir_id": EXPRESSIONS["id"]}))
    worse = tab.get_by_label("What makes it worse?")
    call = tab.locator('[data-q-anchor="call"]')
    coping = tab.locator('[data-q-anchor="coping"]')
    expect(worse).to_be_hidden()
    tab.get_by_label("Pain from 0 to 10").fill("3")
    expect(coping).to_be_visible()
    expect(tab.locator('[data-q-anchor="double"] .q-output__value')).to_have_text("6")
    tab.get_by_label("Pain from 0 to 10").fill("8")
    expect(worse).to_be_visible()
    expect(call).to_be_visible()  # 8 counted twice is over 15
    expect(coping).to_be_hidden()
    expect(tab.locator("[data-q-live]")).to_have_text(NOTICE)
    assert axe_violations(tab) == []
    worse.fill("Climbing stairs")
    call.get_by_label("Yes").check()
    tab.get_by_label("Kind of medicine").fill("other")
    which = tab.get_by_label("Which one?")
    expect(which).to_be_visible()
    which.fill("Arnica")
    tab.get_by_role("button", name="Submit").click()
    tab.wait_for_url("**/questionnaires/responses/*/")
    items = [{k: v for k, v in i.items() if k != "text"} for i in stored_response(tab, site)["item"]]
    assert items == [
        {"linkId": "pain", "answer": [{"valueInteger": 8}]},
        {"linkId": "worse", "answer": [{"valueString": "Climbing stairs"}]},
        {"linkId": "double", "answer": [{"valueInteger": 16}]},
        {"linkId": "call", "answer": [{"valueBoolean": True}]},
        {"linkId": "med", "item": [{"linkId": "kind", "answer": [{"valueString": "other"}]},
                                   {"linkId": "which", "answer": [{"valueString": "Arnica"}]}]},
    ]
    assert tab.errors == []


@pytest.mark.browser
def test_without_javascript_nothing_asks_the_server_and_the_form_still_works(site, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.route("**/*.js", lambda route: route.abort())
    asked = []
    context.on("request", lambda request: asked.append(request.url) if "/state/" in request.url else None)
    tab = context.new_page()
    tab.goto(site + reverse("questionnaires:fill", kwargs={"fhir_id": EXPRESSIONS["id"]}))
    tab.get_by_label("Pain from 0 to 10").fill("8")
    tab.get_by_role("button", name="Submit").click()
    expect(tab.locator(".q-notice")).to_have_text(NOTICE)
    tab.get_by_label("What makes it worse?").fill("Stairs")
    tab.get_by_role("button", name="Submit").click()
    tab.wait_for_url("**/questionnaires/responses/*/")
    assert asked == []
    context.close()
