"""enableWhenExpression (SDC) decides whether a question applies (issue 16, item 5).

Given a questionnaire whose questions are enabled by FHIRPath expressions (on the answers, on a
variable, on a calculated score, inside each instance of a repeating group), when a person fills
it in without JavaScript, then a question appears once the answers that enable it are submitted
(with the "More questions have appeared" notice) and an answer to a question that does not apply
is never stored; a client posting to /fhir/QuestionnaireResponse is refused an answer to a
question that does not apply; an expression that cannot be read is named at import."""

import copy
import json
from io import StringIO

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.urls import reverse
from questionnaire_expressions_support import EXPRESSIONS

from careguide.questionnaires import versions
from careguide.questionnaires.forms.form import NEW_QUESTIONS_NOTICE
from careguide.questionnaires.models import QuestionnaireResponse


@pytest.fixture
def expressions(db):
    return versions.import_questionnaire(copy.deepcopy(EXPRESSIONS)).questionnaire


def fill_url():
    return reverse("questionnaires:fill", kwargs={"fhir_id": "expression-check"})


def soup_of(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def shown(soup, anchor):
    item = soup.select_one(f'[data-q-anchor="{anchor}"]')
    return not item.has_attr("hidden")


def test_an_expression_is_named_at_import_only_when_it_cannot_be_read(tmp_path, db):
    source = tmp_path / "expressions.json"
    source.write_text(json.dumps(EXPRESSIONS))
    out = StringIO()
    call_command("import_questionnaire", str(source), stdout=out)
    warnings = [line for line in out.getvalue().splitlines() if line.startswith("  warning: ")]
    assert not any("not supported" in w for w in warnings)
    assert [w for w in warnings if "enableWhenExpression" in w] == [
        "  warning: Item broken: its enableWhenExpression cannot be read (at character 12: mismatched input "
        "'<EOF>'), so the item is never shown."]


def test_without_javascript_a_question_appears_once_its_expression_holds(client, expressions):
    first = soup_of(client.get(fill_url()))
    assert not shown(first, "worse") and not shown(first, "coping") and not shown(first, "broken")
    response = client.post(fill_url(), {"pain": "8", "_hidden": first.select_one("[data-q-hidden]")["value"]})
    assert response.status_code == 200
    soup = soup_of(response)
    assert soup.select_one(".q-notice").get_text(strip=True) == NEW_QUESTIONS_NOTICE
    assert shown(soup, "worse") and shown(soup, "call") and not shown(soup, "coping")
    stored = client.post(fill_url(), {"pain": "8", "worse": "Walking", "call": "true",
                                      "_hidden": soup.select_one("[data-q-hidden]")["value"]})
    assert stored.status_code == 303
    items = {i["linkId"]: i.get("answer") for i in QuestionnaireResponse.objects.get().resource["item"]}
    assert items == {"pain": [{"valueInteger": 8}], "worse": [{"valueString": "Walking"}],
                     "double": [{"valueInteger": 16}], "call": [{"valueBoolean": True}]}


def test_an_answer_to_a_question_whose_expression_fails_is_not_stored(client, expressions):
    response = client.post(fill_url(), {"pain": "2", "worse": "Walking", "coping": "true", "call": "true",
                                        "broken": "Something"})
    assert response.status_code == 303
    items = {i["linkId"]: i.get("answer") for i in QuestionnaireResponse.objects.get().resource["item"]}
    assert items == {"pain": [{"valueInteger": 2}], "coping": [{"valueBoolean": True}],
                     "double": [{"valueInteger": 4}]}


def test_each_instance_of_a_repeating_group_reads_its_own_answers(client, expressions):
    data = {"pain": "1", "med__count": "2", "kind@0": "other", "kind@1": "tablet"}
    soup = soup_of(client.post(fill_url(), {**data, "_add": "x"}))
    assert shown(soup, "which@0") and not shown(soup, "which@1")
    stored = client.post(fill_url(), {**data, "which@0": "Arnica", "which@1": "Paracetamol"})
    assert stored.status_code == 303
    groups = [i for i in QuestionnaireResponse.objects.get().resource["item"] if i["linkId"] == "med"]
    assert [[(c["linkId"], c["answer"][0]["valueString"]) for c in g["item"]] for g in groups] == [
        [("kind", "other"), ("which", "Arnica")], [("kind", "tablet")]]


# --- FHIR -------------------------------------------------------------------------------------------

def fhir_post(client, items):
    body = {"resourceType": "QuestionnaireResponse", "status": "completed", "questionnaire": EXPRESSIONS["url"],
            "item": items}
    return client.post(reverse("fhir:questionnaire_response_type"), data=json.dumps(body),
                       content_type="application/fhir+json")


def answered(link_id, key, value):
    return {"linkId": link_id, "answer": [{key: value}]}


def diagnostics(response):
    return [i["diagnostics"] for i in json.loads(response.content)["issue"]]


def test_fhir_refuses_an_answer_to_a_question_whose_expression_is_false(patient_client, expressions):
    refused = fhir_post(patient_client, [answered("pain", "valueInteger", 3),
                                         answered("worse", "valueString", "Stairs")])
    assert refused.status_code == 400
    assert diagnostics(refused) == [
        "“What makes it worse?” does not apply given the other answers, so it must not be answered (linkId worse)"]
    assert not QuestionnaireResponse.objects.exists()


def test_fhir_requires_a_question_once_its_expression_holds(patient_client, expressions):
    refused = fhir_post(patient_client, [answered("pain", "valueInteger", 9)])
    assert refused.status_code == 400
    assert diagnostics(refused) == ["Enter an answer for “What makes it worse?” (linkId worse)"]
    created = fhir_post(patient_client, [answered("pain", "valueInteger", 9),
                                         answered("worse", "valueString", "Stairs"),
                                         answered("call", "valueBoolean", False)])
    assert created.status_code == 201, created.content


def test_fhir_judges_an_expression_on_a_score_from_the_calculated_value(patient_client, expressions):
    refused = fhir_post(patient_client, [answered("pain", "valueInteger", 7),
                                         answered("worse", "valueString", "Stairs"),
                                         answered("call", "valueBoolean", True)])  # 7 * 2 = 14, not over 15
    assert refused.status_code == 400
    assert diagnostics(refused) == ["“Would you like a call from a nurse?” does not apply given the other answers, "
                                    "so it must not be answered (linkId call)"]
