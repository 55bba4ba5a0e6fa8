"""The form's live state for the script (issue 16, item 7's live score; item 5 in the browser).

Given a questionnaire with a score or a question enabled by an expression, when the script posts
the form's fields to `questionnaires:state` (same origin, with the form's CSRF token), then it gets
back JSON naming the questions that apply and each score as text, exactly as a submit of the same
fields would judge them. Nothing is stored, nothing typed reaches a log, bad input gets a 400 JSON
answer and nothing gets a 5xx. A form with nothing only the server can work out never asks."""

import copy
import json

import paths
import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse
from fuzz_support import SENTINEL, dump, every_log, fill, forms_on, json_values, picks
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from questionnaire_expressions_support import EXPRESSIONS

from careguide.audit.models import AuditEvent
from careguide.questionnaires import services, versions
from careguide.questionnaires.models import QuestionnaireResponse
from careguide.questionnaires.views import DRAFTS_SESSION_KEY

PHQ9 = paths.EVAL / "fhir-questionnaires" / "lforms_R4_phq9.json"
PAIN_ONLY = {"resourceType": "Questionnaire", "id": "plain", "title": "Plain", "status": "active",
             "item": [{"linkId": "pain", "type": "boolean", "text": "Do you have pain?"},
                      {"linkId": "where", "type": "string", "text": "Where?",
                       "enableWhen": [{"question": "pain", "operator": "=", "answerBoolean": True}]}]}


@pytest.fixture
def phq9(db):
    return versions.import_questionnaire(json.loads(PHQ9.read_text())).questionnaire


@pytest.fixture
def expressions(db):
    return versions.import_questionnaire(copy.deepcopy(EXPRESSIONS)).questionnaire


def state_url(questionnaire):
    return reverse("questionnaires:state", kwargs={"fhir_id": questionnaire.fhir_id})


def fill_url(questionnaire):
    return reverse("questionnaires:fill", kwargs={"fhir_id": questionnaire.fhir_id})


def opened(client, questionnaire):
    """The form as the browser has it: its state URL and CSRF token."""
    soup = BeautifulSoup(client.get(fill_url(questionnaire)).content.decode(), "html.parser")
    form = soup.select_one("form[data-questionnaire]")
    return form.get("data-q-state-url"), form.select_one("[name=csrfmiddlewaretoken]")["value"]


def ask(client, url, token, data):
    """POST the fields as questionnaire.js does: a JSON object, the CSRF token in a header."""
    response = client.post(url, json.dumps(data), content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    return response.status_code, json.loads(response.content)


def test_the_phq9_total_is_worked_out_as_the_person_answers(phq9):
    client = Client(enforce_csrf_checks=True)
    url, token = opened(client, phq9)
    assert url == state_url(phq9)
    questions = services.parsed(phq9).items[:9]
    status, state = ask(client, url, token, {q.link_id: q.options[2].token for q in questions[:4]})
    assert status == 200
    assert state["calculated"] == {"/44261-6": "8"}  # four answers worth 2 each
    status, state = ask(client, url, token, {q.link_id: q.options[3].token for q in questions})
    assert state["calculated"] == {"/44261-6": "27"}
    assert {q.link_id for q in questions} <= set(state["enabled"])


def test_questions_enabled_by_expressions_and_by_a_score(expressions):
    client = Client(enforce_csrf_checks=True)
    url, token = opened(client, expressions)
    _, calm = ask(client, url, token, {"pain": "2"})
    _, severe = ask(client, url, token, {"pain": "8"})
    assert calm["calculated"] == {"double": "4"} and severe["calculated"] == {"double": "16"}
    assert {"coping"} <= set(calm["enabled"]) and not {"worse", "call", "broken"} & set(calm["enabled"])
    assert {"worse", "call"} <= set(severe["enabled"]) and not {"coping", "broken"} & set(severe["enabled"])
    _, group = ask(client, url, token, {"med__count": "2", "kind@0": "other", "kind@1": "tablet"})
    assert "which@0" in group["enabled"] and "which@1" not in group["enabled"]


def test_the_form_marks_what_only_the_server_can_judge(client, expressions):
    soup = BeautifulSoup(client.get(fill_url(expressions)).content.decode(), "html.parser")
    assert sorted(i["data-q-anchor"] for i in soup.select("[data-q-server]")) == [
        "broken", "call", "coping", "which@0", "worse"]
    assert [i["data-q-anchor"] for i in soup.select("[data-q-calculated]")] == ["double"]
    assert soup.select("[data-q-server][data-enable-when]") == []


def test_a_form_with_nothing_for_the_server_never_asks(client, db):
    versions.import_questionnaire(copy.deepcopy(PAIN_ONLY))
    soup = BeautifulSoup(client.get(reverse("questionnaires:fill", kwargs={"fhir_id": "plain"})).content.decode(),
                         "html.parser")
    assert not soup.select_one("form[data-questionnaire]").has_attr("data-q-state-url")


def test_nothing_is_stored_or_audited_and_nothing_typed_is_logged(expressions):
    client = Client(enforce_csrf_checks=True)
    url, token = opened(client, expressions)
    session_before = dict(client.session)
    audits = AuditEvent.objects.count()
    with every_log() as logs:
        status, _ = ask(client, url, token, {"pain": "8", "worse": f"{SENTINEL} my knee", "kind@0": SENTINEL})
    assert status == 200
    assert logs.problems() == []
    assert not QuestionnaireResponse.objects.exists()
    assert AuditEvent.objects.count() == audits
    assert dict(client.session) == session_before
    assert DRAFTS_SESSION_KEY not in client.session


def test_a_post_without_the_forms_csrf_token_is_refused(expressions):
    client = Client(enforce_csrf_checks=True)
    opened(client, expressions)
    refused = client.post(state_url(expressions), json.dumps({"pain": ["8"]}), content_type="application/json")
    assert refused.status_code == 403


@pytest.mark.parametrize("how, status, error", [
    ("form", 415, ("(body)", "send the form's fields as application/json, not multipart/form-data")),
    ("get", 405, ("(request)", "use POST, not GET")),
    ("unknown", 404, ("(questionnaire)", "there is no such questionnaire to fill in")),
    ("not-json", 400, ("(body)", "not valid JSON: Expecting value (line 1, column 1)")),
    ("a-list", 400, ("(body)", "send the form's fields as a JSON object of names and values")),
    ("a-number", 400, ("pain", "each value must be text, or a list of texts")),
    ("nul", 400, ("pain", "contains a null character (code 0), which is not allowed in text")),
    ("too-many", 400, ("(body)", "more than 1000 values")),
    ("too-large", 413, ("(body)", "the body is larger than 262144 bytes")),
])
def test_bad_input_gets_a_json_error_naming_the_field(client, expressions, how, status, error):
    url = state_url(expressions)
    bodies = {"not-json": "pain=8", "a-list": "[]", "a-number": '{"pain": 8}', "nul": '{"pain": "8\\u0000"}',
              "too-many": json.dumps({f"f{i}": "x" for i in range(1001)}),
              "too-large": json.dumps({"notes": "x" * 300_000})}
    if how == "form":
        response = client.post(url, {"pain": "8"})
    elif how == "get":
        response = client.get(url)
    elif how == "unknown":
        response = client.post(reverse("questionnaires:state", kwargs={"fhir_id": "no-such-form"}), "{}",
                               content_type="application/json")
    else:
        response = client.post(url, bodies[how], content_type="application/json")
    assert (response.status_code, response["Content-Type"]) == (status, "application/json; charset=utf-8")
    field, message = error
    assert json.loads(response.content) == {"errors": [{"field": field, "message": message}]}


def test_a_paged_questionnaire_reads_the_other_steps_from_the_draft_without_changing_it(client, db):
    # The questions move into page groups, so the expressions look for them at any depth.
    paged = json.loads(json.dumps(EXPRESSIONS).replace("%resource.item.where(", "%resource.repeat(item).where("))
    page = {"url": "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl", "valueCodeableConcept": {
        "coding": [{"system": "http://hl7.org/fhir/questionnaire-item-control", "code": "page"}]}}
    paged["id"], paged["url"] = "expression-pages", paged["url"] + "-pages"
    paged["item"] = [{"linkId": "first", "type": "group", "text": "First", "extension": [page],
                      "item": [paged["item"][0]]},
                     {"linkId": "second", "type": "group", "text": "Second", "extension": [page],
                      "item": paged["item"][1:5]}]
    questionnaire = versions.import_questionnaire(paged).questionnaire
    assert client.post(fill_url(questionnaire), {"pain": "9", "_step": "0"}).status_code == 303
    draft = copy.deepcopy(client.session[DRAFTS_SESSION_KEY])
    response = client.post(state_url(questionnaire), json.dumps({"_step": "1", "worse": ["Stairs"]}),
                           content_type="application/json")
    assert response.status_code == 200
    state = json.loads(response.content)
    assert state["calculated"] == {"double": "18"} and {"worse", "call"} <= set(state["enabled"])
    assert client.session[DRAFTS_SESSION_KEY] == draft


def test_whatever_the_fields_the_answer_is_never_a_5xx(expressions, phq9):
    client = Client()
    forms = {q.fhir_id: forms_on(client.get(fill_url(q)))[0] for q in (expressions, phq9)}

    @settings(max_examples=60, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(which=st.sampled_from(sorted(forms)), drawn=picks, odd=json_values())
    def run(which, drawn, odd):
        url = reverse("questionnaires:state", kwargs={"fhir_id": which})
        fields = fill(forms[which], drawn)
        for body in (fields, {**fields, "pain": odd}, odd):
            response = client.post(url, dump(body), content_type="application/json")
            assert response.status_code in (200, 400), response.content[:500]
            assert response["Content-Type"] == "application/json; charset=utf-8"

    with every_log() as logs:
        run()
    assert logs.problems() == []
