"""Questionnaires as HTML forms: what a person filling one in sees and gets.

Given a questionnaire imported into the site, when someone opens /questionnaires/<id>/,
then every question has a label, errors are summarised at the top and shown beside the
field, conditional questions appear once the answers that enable them are in (with or
without JavaScript), and a valid response is stored and shown back to its owner only."""

import copy
import json
import re
import uuid

import paths
import pytest
from bs4 import BeautifulSoup
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client, RequestFactory
from django.urls import reverse
from factories import PatientFactory
from questionnaire_support import answers_of, form_url, page, stored
from support import axe_violations

from careguide.audit.models import AuditEvent
from careguide.questionnaires import engine, services, versions
from careguide.questionnaires.models import SESSION_RESPONSES_KEY, Questionnaire, QuestionnaireResponse
from careguide.questionnaires.views import QuestionnaireFillView

EVAL = paths.EVAL / "fhir-questionnaires"  # copy of shared/eval
EVAL_FILES = sorted(p.name for p in EVAL.glob("*.json"))
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
PAGE = {"url": ITEM_CONTROL, "valueCodeableConcept": {"coding": [
    {"system": "http://hl7.org/fhir/questionnaire-item-control", "code": "page"}]}}
CHECK_BOX = {"url": ITEM_CONTROL, "valueCodeableConcept": {"coding": [
    {"system": "http://hl7.org/fhir/questionnaire-item-control", "code": "check-box"}]}}
EXCLUSIVE = {"url": "http://hl7.org/fhir/StructureDefinition/questionnaire-optionExclusive", "valueBoolean": True}
PAIN_TRUE = [{"question": "pain", "operator": "=", "answerBoolean": True}]
SYSTEM = "http://careguide.invalid/fhir/CodeSystem/pain"

PAIN_CHECK = {
    "resourceType": "Questionnaire",
    "id": "pain-check",
    "url": "http://careguide.invalid/fhir/Questionnaire/pain-check",
    "version": "1",
    "title": "Pain check",
    "status": "active",
    "item": [
        {"linkId": "pain", "type": "boolean", "text": "Do you have pain today?", "required": True},
        {"linkId": "score", "type": "integer", "text": "How bad is it, from 0 to 10?", "required": True,
         "enableWhen": PAIN_TRUE, "extension": [
             {"url": "http://hl7.org/fhir/StructureDefinition/minValue", "valueInteger": 0},
             {"url": "http://hl7.org/fhir/StructureDefinition/maxValue", "valueInteger": 10}]},
        {"linkId": "where", "type": "choice", "text": "Where is the pain?", "repeats": True, "required": True,
         "enableWhen": PAIN_TRUE, "extension": [CHECK_BOX], "answerOption": [
             {"valueCoding": {"system": SYSTEM, "code": "back", "display": "My back"}},
             {"valueCoding": {"system": SYSTEM, "code": "legs", "display": "My legs"}},
             {"valueCoding": {"system": SYSTEM, "code": "none", "display": "Somewhere else"},
              "extension": [EXCLUSIVE]}]},
        {"linkId": "notes", "type": "text", "text": "Anything else you want to tell us?"},
    ],
}

PAGED = {
    "resourceType": "Questionnaire",
    "id": "paged-check",
    "title": "Paged check",
    "status": "active",
    "item": [
        {"linkId": "about", "type": "group", "text": "About you", "extension": [PAGE], "item": [
            {"linkId": "age", "type": "integer", "text": "How old are you?", "required": True}]},
        {"linkId": "smoking", "type": "group", "text": "Smoking", "extension": [PAGE], "item": [
            {"linkId": "smoke", "type": "boolean", "text": "Do you smoke?", "required": True},
            {"linkId": "per-day", "type": "integer", "text": "How many a day?", "required": True,
             "enableWhen": [{"question": "smoke", "operator": "=", "answerBoolean": True}]}]},
        {"linkId": "older", "type": "group", "text": "Falls", "extension": [PAGE],
         "enableWhen": [{"question": "age", "operator": ">=", "answerInteger": 65}], "item": [
             {"linkId": "falls", "type": "boolean", "text": "Have you fallen this year?", "required": True}]},
    ],
}


def eval_resource(name):
    return json.loads((EVAL / name).read_text())


@pytest.fixture
def imported(db, eval_answer_lists):
    """The five evaluation questionnaires, imported as the import command does (after the answer
    lists they name but do not contain)."""
    return {name: versions.import_questionnaire(eval_resource(name)).questionnaire for name in EVAL_FILES}


@pytest.fixture
def pain_check(db):
    return versions.import_questionnaire(copy.deepcopy(PAIN_CHECK)).questionnaire


@pytest.fixture
def paged(db):
    return versions.import_questionnaire(copy.deepcopy(PAGED)).questionnaire


@pytest.fixture
def patient(db):
    return PatientFactory(email="pat@example.org", first_name="")


def assert_every_input_is_labelled(soup):
    controls = [c for c in soup.select("main input, main select, main textarea")
                if c.get("type") not in ("hidden", "submit")]
    assert controls
    for control in controls:
        assert control.get("id"), control
        labels = soup.select(f'label[for="{control["id"]}"]')
        assert len(labels) == 1 and labels[0].get_text(strip=True), control


def assert_no_inline_code(soup):
    assert soup.find_all(style=True) == []
    assert all(script.get("src") for script in soup.find_all("script"))


def error_summary(soup):
    summary = soup.select_one(".error-summary")
    if summary is None:
        return None
    assert summary["role"] == "alert"
    assert summary.select_one("h2").get_text(strip=True) == "There is a problem"
    links = [(a["href"], a.get_text(strip=True)) for a in summary.select("a")]
    for href, _ in links:
        assert soup.find(id=href[1:]) is not None, f"{href} links to nothing"
    return links


# --- the five evaluation questionnaires ---------------------------------------------------------

def valid_post(name, questionnaire):
    """Answers a person could give to each evaluation questionnaire, as the form posts them."""
    definition = services.parsed(questionnaire)
    if name == "lforms_R4_phq9.json":
        data = {item.link_id: item.options[3].token for item in definition.items[:9]}
        data["/69722-7"] = "LA6573-5"
        return data, ("Patient health questionnaire 9 item total score", "27")
    if name == "sdc_questionnaire-sdc-profile-example-PHQ9.json":
        data = {f"H1/T1/Q{i}": definition.item(f"H1/T1/Q{i}").options[1].token for i in range(1, 10)}
        return data, ("Patient health questionnaire 9 item total score", "9")
    if name == "sdc_questionnaire-sdc-profile-example-hunger-vital-signs.json":
        return {"/88122-7": "LA28397-0", "/88123-5": "LA28398-8"}, ("Food insecurity risk", "At risk")
    if name == "sdc_questionnaire-sdc-test-repeatable-nested-groups.json":
        return {
            "a9f40adc-f194-4efb-b4f7-9396d0ca8e49": "First answer",
            "ba91450b-6e67-40dc-8629-0f1b60577774__count": "2",
            "34b78239-1df2-49c5-a1ab-8f5691c7ede0@0": "physio",
            "68ca912397a145bd9e9f265702b5cf45@0__count": "1",
            "b7e29109-f729-4359-aa29-6c9e7c7b2328@0.0": "Inner one",
            "b7e29109-f729-4359-aa29-6c9e7c7b2318@1": "Second group text",
            "68ca912397a145bd9e9f265702b5cf45@1__count": "1",
        }, None
    assert name == "lforms_R4_ussg-fhp.json"
    return {
        "/54126-8/54125-0": "Ann Example",
        "/54126-8/54131-8": "LA3-6",
        "/54126-8/21112-8": "1970-05-01",
        "/54126-8/8302-2": "165",
        "/54126-8/54134-2": ["LA6156-9", "LA10615-5"],
        "/54114-4__count": "1",
        "/54114-4/54136-7@0": "LA10405-1",
        "/54114-4/54139-1@0": "LA32-8",
        "/54114-4/54139-1/54112-8@0": "LA10524-9",
        "/54114-4/54139-1/54113-6@0": "LA10397-0",
    }, None


@pytest.mark.parametrize("name", EVAL_FILES)
def test_every_evaluation_questionnaire_renders_with_a_label_for_every_input(client, imported, name):
    questionnaire = imported[name]
    response = client.get(form_url(questionnaire))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    soup = page(response)
    assert soup.select_one("h1").get_text(strip=True) == services.parsed(questionnaire).title
    assert_every_input_is_labelled(soup)
    assert_no_inline_code(soup)
    assert soup.select_one('link[href$="questionnaires/questionnaire.css"]')
    assert soup.select_one('script[src$="questionnaires/questionnaire.js"]')
    # Yes/no and single-choice questions start with nothing chosen.
    assert soup.select("input[type=radio][checked]") == []


@pytest.mark.parametrize("name", EVAL_FILES)
def test_every_evaluation_questionnaire_accepts_a_valid_response_and_shows_it_back(client, imported, name):
    questionnaire = imported[name]
    data, score = valid_post(name, questionnaire)
    record = stored(client.post(form_url(questionnaire), data))
    assert record.questionnaire == questionnaire and record.status == "completed"
    assert engine.validate_response(services.parsed(questionnaire), record.resource) == []
    shown = page(client.get(f"/questionnaires/responses/{record.fhir_id}/"))
    assert shown.select_one("h1").get_text(strip=True) == "Your answers"
    text = shown.select_one("main").get_text(" ", strip=True)
    if score:
        label, value = score
        rows = {dt.get_text(strip=True): dt.find_next_sibling("dd").get_text(strip=True)
                for dt in shown.select(".q-scores dt")}
        assert rows == {label: value}
    if name == "lforms_R4_ussg-fhp.json":
        assert "Cancer" in text and "Asian" in text and "-- Chinese" in text
        assert answers_of(record, "/54114-4/54139-1/54112-8")[0]["code"] == "LA10524-9"
    if name == "sdc_questionnaire-sdc-test-repeatable-nested-groups.json":
        group = "ba91450b-6e67-40dc-8629-0f1b60577774"
        groups = [i for i in record.resource["item"][0]["item"] if i["linkId"] == group]
        assert len(groups) == 2
        assert "Repeatable group 1 (2)" in text and "Second group text" in text


@pytest.mark.parametrize("name, data, field_id, message", [
    ("lforms_R4_phq9.json", {"/44250-9": "LA6568-5"}, "q-44255-8",
     "Select an answer for “Feeling down, depressed, or hopeless?”"),
    ("sdc_questionnaire-sdc-profile-example-PHQ9.json", {"H1/T1/Q1": "Made-up"}, "q-H1-T1-Q1",
     "Choose one of the listed answers for “Little interest or pleasure in doing things?”"),
    ("lforms_R4_ussg-fhp.json", {"/54126-8/8302-2": "tall"}, "q-54126-8-8302-2", "“Body height” must be a number"),
    ("lforms_R4_ussg-fhp.json", {"/54126-8/21112-8": "1970-02-31"}, "q-54126-8-21112-8",
     "“Birth Date” must be a real date"),
    ("sdc_questionnaire-sdc-profile-example-hunger-vital-signs.json", {"/88122-7": "LA0000-0"}, "q-88122-7",
     "Choose one of the listed answers for “Within the past 12Mo we worried whether our food would run out before "
     "we got money to buy more”"),
])
def test_an_invalid_response_is_shown_again_with_errors_and_not_stored(client, imported, name, data, field_id, message):
    response = client.post(form_url(imported[name]), data)
    assert response.status_code == 200
    soup = page(response)
    assert soup.title.get_text(strip=True).startswith("Error: ")
    assert (f"#{field_id}", message) in error_summary(soup)
    error = soup.select_one(f"#{field_id}-error")
    assert error.get_text(" ", strip=True) == f"Error: {message}"
    described = soup.find(id=field_id).get("aria-describedby") or soup.find(id=field_id).find_parent(
        "fieldset").get("aria-describedby")
    assert f"{field_id}-error" in described.split()
    assert not QuestionnaireResponse.objects.exists()


def test_every_required_question_left_out_is_listed_in_order(client, imported):
    soup = page(client.post(form_url(imported["lforms_R4_phq9.json"]), {}))
    assert [text for _, text in error_summary(soup)][:3] == [
        "Select an answer for “Little interest or pleasure in doing things?”",
        "Select an answer for “Feeling down, depressed, or hopeless?”",
        "Select an answer for “Trouble falling or staying asleep, or sleeping too much”",
    ]
    assert len(error_summary(soup)) == 8


# --- conditional questions ---------------------------------------------------------------------

def test_conditional_questions_start_hidden_with_their_rule_for_the_script(client, pain_check):
    soup = page(client.get(form_url(pain_check)))
    score = soup.select_one('[data-q-anchor="score"]')
    assert score.has_attr("hidden") and soup.select_one("#q-score").has_attr("disabled")
    rule = json.loads(score["data-enable-when"])
    assert rule == {"behavior": "all", "conditions": [{"name": "pain", "op": "=", "kind": "token", "value": "true"}]}
    assert json.loads(soup.select_one("input[name=_hidden]")["value"]) == ["score", "where"]
    assert [r["value"] for r in soup.select("input[name=pain]")] == ["true", "false"]
    assert [lab.get_text() for lab in soup.select(".q-choice__label")][:2] == ["Yes", "No"]


def test_without_javascript_new_questions_appear_after_the_answer_that_enables_them(client, pain_check):
    url = form_url(pain_check)
    shown = page(client.get(url))
    hidden = shown.select_one("input[name=_hidden]")["value"]
    # The person says yes and submits: the follow-up questions appear, without errors yet.
    response = client.post(url, {"pain": "true", "_hidden": hidden})
    assert response.status_code == 200
    soup = page(response)
    notice = soup.select_one(".q-notice")
    assert notice["role"] == "status"
    assert notice.get_text(strip=True) == "More questions have appeared based on your answers"
    assert error_summary(soup) is None
    assert not soup.select_one('[data-q-anchor="score"]').has_attr("hidden")
    assert not soup.select_one("#q-score").has_attr("disabled")
    assert soup.select_one("#q-pain")["checked"] is not None
    assert not QuestionnaireResponse.objects.exists()
    # They answer them and submit again: stored.
    record = stored(client.post(url, {"pain": "true", "score": "7", "where": ["back", "legs"],
                                      "_hidden": soup.select_one("input[name=_hidden]")["value"]}))
    assert answers_of(record, "score") == [7]
    assert [c["code"] for c in answers_of(record, "where")] == ["back", "legs"]


def test_answers_to_questions_that_no_longer_apply_are_dropped(client, pain_check):
    record = stored(client.post(form_url(pain_check), {"pain": "false", "score": "7", "where": "back"}))
    assert [i["linkId"] for i in record.resource["item"]] == ["pain"]


def test_follow_up_questions_are_checked_once_they_apply(client, pain_check):
    soup = page(client.post(form_url(pain_check), {"pain": "true", "score": "11", "where": ["back", "none"]}))
    assert [text for _, text in error_summary(soup)] == [
        "“How bad is it, from 0 to 10?” must be 10 or less",
        "Select “Somewhere else” on its own, or select other answers without it",
    ]
    soup = page(client.post(form_url(pain_check), {"pain": "true", "score": "lots", "where": "back"}))
    assert error_summary(soup) == [("#q-score", "“How bad is it, from 0 to 10?” must be a whole number")]
    assert soup.select_one("#q-score")["value"] == "lots"  # what they typed is kept


def test_nothing_answered_links_to_the_first_radio(client, pain_check):
    soup = page(client.post(form_url(pain_check), {}))
    assert error_summary(soup) == [("#q-pain", "Select an answer for “Do you have pain today?”")]
    assert soup.select_one("#q-pain")["value"] == "true"


def test_exclusive_options_are_marked_for_the_script(client, pain_check):
    soup = page(client.get(form_url(pain_check)))
    boxes = soup.select("input[name=where]")
    assert [b.has_attr("data-exclusive") for b in boxes] == [False, False, True]
    # "or" sets the exclusive option apart from the others.
    divider = soup.select_one(".q-choices__divider")
    assert divider.get_text() == "or" and divider.find_next("label").get_text() == "Somewhere else"


# --- repeating groups ----------------------------------------------------------------------------

def test_add_another_and_remove_work_without_javascript(client, imported):
    questionnaire = imported["sdc_questionnaire-sdc-test-repeatable-nested-groups.json"]
    group = "ba91450b-6e67-40dc-8629-0f1b60577774"
    text_box = "b7e29109-f729-4359-aa29-6c9e7c7b2318"
    soup = page(client.post(form_url(questionnaire), {f"{group}__count": "1", f"{text_box}@0": "first",
                                                      "_add": group}))
    legends = [legend.get_text(strip=True) for legend in soup.select(".q-repeat__instance > legend")]
    assert legends == ["Repeatable group 1 (1)", "Repeatable group 2 (1)", "Repeatable group 1 (2)",
                       "Repeatable group 2 (1)"]
    assert soup.select_one(f'input[name="{group}__count"]')["value"] == "2"
    assert soup.select_one(f'input[name="{text_box}@0"]')["value"] == "first"
    assert error_summary(soup) is None
    assert not QuestionnaireResponse.objects.exists()
    soup = page(client.post(form_url(questionnaire), {f"{group}__count": "2", f"{text_box}@0": "first",
                                                      f"{text_box}@1": "second", "_remove": f"{group}@0"}))
    assert soup.select_one(f'input[name="{group}__count"]')["value"] == "1"
    assert soup.select_one(f'input[name="{text_box}@0"]')["value"] == "second"
    assert_every_input_is_labelled(soup)


def test_an_empty_extra_group_is_not_stored(client, imported):
    questionnaire = imported["sdc_questionnaire-sdc-test-repeatable-nested-groups.json"]
    group = "ba91450b-6e67-40dc-8629-0f1b60577774"
    record = stored(client.post(form_url(questionnaire), {
        f"{group}__count": "2", "b7e29109-f729-4359-aa29-6c9e7c7b2318@1": "only the second"}))
    outer = record.resource["item"][0]
    assert [i["linkId"] for i in outer["item"]] == [group]


# --- paged questionnaires ------------------------------------------------------------------------

def test_paged_questionnaire_goes_step_by_step_and_keeps_answers(client, paged):
    url = form_url(paged)
    soup = page(client.get(url))
    assert soup.select_one(".q-progress").get_text(strip=True) == "Step 1 of 2"
    assert soup.select_one("#q-step-title").get_text(strip=True) == "About you"
    assert soup.select("legend") == []  # the step title is the heading, not repeated as a legend
    ids = [tag["id"] for tag in soup.select("main [id]")]
    assert len(ids) == len(set(ids)), "a question is drawn twice on the step"
    assert len(soup.select("input[name=age]")) == 1
    assert soup.select_one("button[value=back]") is None
    # Continue without an answer: the error is on this step.
    soup = page(client.post(url, {"_step": "0", "age": ""}))
    assert error_summary(soup) == [("#q-age", "Enter an answer for “How old are you?”")]
    # Answer; the falls step now applies, so there are three.
    response = client.post(url, {"_step": "0", "age": "70"})
    assert response.status_code == 303 and response["Location"] == url
    soup = page(client.get(url))
    assert soup.select_one(".q-progress").get_text(strip=True) == "Step 2 of 3"
    assert soup.select_one("#q-step-title").get_text(strip=True) == "Smoking"
    # Back keeps what was typed on this step and shows the earlier answer.
    assert client.post(url, {"_step": "1", "smoke": "true", "_action": "back"}).status_code == 303
    soup = page(client.get(url))
    assert soup.select_one("#q-age")["value"] == "70"
    client.post(url, {"_step": "0", "age": "70"})
    soup = page(client.get(url))
    assert soup.select_one("#q-smoke")["checked"] is not None
    assert client.post(url, {"_step": "1", "smoke": "false"}).status_code == 303
    soup = page(client.get(url))
    assert soup.select_one("#q-step-title").get_text(strip=True) == "Falls"
    assert soup.select_one("button[type=submit][value=continue]").get_text(strip=True) == "Submit"
    record = stored(client.post(url, {"_step": "2", "falls": "true"}))
    assert answers_of(record, "age") == [70] and answers_of(record, "falls") == [True]
    assert answers_of(record, "per-day") == []
    # The draft is gone: the next visit starts again.
    soup = page(client.get(url))
    assert soup.select_one("#q-age")["value"] == ""


def test_a_page_that_no_longer_applies_is_skipped_and_not_stored(client, paged):
    url = form_url(paged)
    client.post(url, {"_step": "0", "age": "70"})
    client.post(url, {"_step": "1", "smoke": "false"})
    client.post(url, {"_step": "2", "falls": "true", "_action": "back"})
    client.post(url, {"_step": "1", "smoke": "false", "_action": "back"})
    client.post(url, {"_step": "0", "age": "40"})
    soup = page(client.get(url))
    assert soup.select_one(".q-progress").get_text(strip=True) == "Step 2 of 2"
    record = stored(client.post(url, {"_step": "1", "smoke": "false"}))
    assert answers_of(record, "falls") == []


# --- the fragment, owners and the audit log --------------------------------------------------------

def test_fragment_is_only_the_form(client, pain_check):
    response = client.get(form_url(pain_check) + "?fragment=1")
    html = response.content.decode().strip()
    assert response.status_code == 200
    assert html.startswith("<form") and "<html" not in html
    assert BeautifulSoup(html, "html.parser").select_one("form")["action"] == form_url(pain_check) + "?fragment=1"


def test_a_response_is_visible_only_to_the_session_or_person_that_made_it(client, pain_check, patient):
    record = stored(client.post(form_url(pain_check), {"pain": "false"}))
    assert record.subject is None
    assert client.session[SESSION_RESPONSES_KEY] == [str(record.fhir_id)]
    assert client.get(f"/questionnaires/responses/{record.fhir_id}/").status_code == 200
    assert Client().get(f"/questionnaires/responses/{record.fhir_id}/").status_code == 404
    other = Client()
    other.force_login(patient)
    assert other.get(f"/questionnaires/responses/{record.fhir_id}/").status_code == 404
    assert client.get(f"/questionnaires/responses/{uuid.uuid4()}/").status_code == 404


def test_signed_in_responses_belong_to_the_person(client, pain_check, patient):
    client.force_login(patient)
    record = stored(client.post(form_url(pain_check), {"pain": "false"}))
    assert record.subject == patient
    assert record.resource["subject"] == {"identifier": {"system": "urn:careguide:user", "value": str(patient.pk)}}
    assert client.get(f"/questionnaires/responses/{record.fhir_id}/").status_code == 200
    someone = PatientFactory(email="sam@example.org", first_name="")
    other = Client()
    other.force_login(someone)
    assert other.get(f"/questionnaires/responses/{record.fhir_id}/").status_code == 404


def test_sign_in_can_claim_the_sessions_anonymous_responses(client, pain_check, patient):
    record = stored(client.post(form_url(pain_check), {"pain": "false"}))

    class Request:
        session = SessionStore(session_key=client.session.session_key)

    claimed = services.claim_session_responses(Request, patient)
    assert [r.pk for r in claimed] == [record.pk]
    record.refresh_from_db()
    assert record.subject == patient and record.resource["meta"]["versionId"] == "2"
    assert QuestionnaireResponse.objects.for_user(patient).get() == record
    assert Request.session[SESSION_RESPONSES_KEY] == []


def test_every_stored_response_is_audited(client, pain_check, patient):
    client.force_login(patient)
    record = stored(client.post(form_url(pain_check), {"pain": "false"}))
    event = AuditEvent.objects.get(object_type="questionnaires.questionnaireresponse", action="create")
    assert (event.object_id, event.actor, event.patient) == (str(record.pk), patient, patient)


def test_response_invalid_stores_nothing(pain_check, patient):
    set_up = set(AuditEvent.objects.values_list("pk", flat=True))  # registration's rows
    with pytest.raises(services.ResponseInvalid) as exc:
        services.submit_response(pain_check, {"resourceType": "QuestionnaireResponse", "status": "completed",
                                              "item": [{"linkId": "pain", "answer": [{"valueString": "yes"}]}]},
                                 user=patient)
    assert [i.link_id for i in exc.value.issues] == ["pain"]
    assert not QuestionnaireResponse.objects.exists()
    assert not AuditEvent.objects.filter(action="create").exclude(pk__in=set_up).exists()


class OutcomeView(QuestionnaireFillView):
    """How another app (e.g. the back-pain gate) reuses the view."""

    template_name = "questionnaires/fill.html"

    def get_questionnaire(self):
        return Questionnaire.objects.current(PAIN_CHECK["url"])

    def compute_outcome(self, parsed_questionnaire, response_resource):
        score = [v for v in engine.walk(parsed_questionnaire, engine.read_response(response_resource))
                 if v.item.link_id == "score" and v.node is not None]
        return "see_doctor" if score and score[0].node.values[0][1] >= 8 else "self_care"

    def get_success_url(self, response_model):
        return f"/done/{response_model.outcome}/"


def test_a_subclass_sets_the_outcome_and_where_to_go(pain_check, patient):
    request = RequestFactory().post("/pain/", {"pain": "true", "score": "9", "where": "back"})
    request.user = patient
    request.session = SessionStore()
    response = OutcomeView.as_view()(request)
    assert response.status_code == 303 and response["Location"] == "/done/see_doctor/"
    assert QuestionnaireResponse.objects.get().outcome == "see_doctor"


def test_a_form_shown_from_answers_without_a_group_still_hides_its_conditional_questions(imported):
    from careguide.questionnaires.forms import QuestionnaireForm, empty_response

    definition = services.parsed(imported["lforms_R4_ussg-fhp.json"])
    form = QuestionnaireForm(definition, response=empty_response())

    def find(fields, anchor):
        for f in fields:
            if f.anchor == anchor:
                return f
            found = find(f.children + f.instances, anchor)
            if found:
                return found
        return None

    assert find(form.fields, "/54114-4/54139-1@0").active is True
    assert find(form.fields, "/54114-4/54139-1/54124-3@0").active is False  # Date of Birth: only if living


UNIT = "http://hl7.org/fhir/StructureDefinition/questionnaire-unitOption"
EVERY_TYPE = {
    "resourceType": "Questionnaire",
    "id": "every-type",
    "title": "Every type",
    "status": "active",
    "item": [
        {"linkId": "intro", "type": "display", "text": "A few questions about today."},
        {"linkId": "ok", "type": "boolean", "text": "Feeling well?", "initial": [{"valueBoolean": True}]},
        {"linkId": "count", "type": "integer", "text": "Pills taken", "initial": [{"valueInteger": 3}]},
        {"linkId": "temp", "type": "decimal", "text": "Temperature"},
        {"linkId": "day", "type": "date", "text": "Day"},
        {"linkId": "when", "type": "dateTime", "text": "When did it start?"},
        {"linkId": "at", "type": "time", "text": "Usual bedtime"},
        {"linkId": "name", "type": "string", "text": "Your name", "maxLength": 20},
        {"linkId": "story", "type": "text", "text": "What happened?"},
        {"linkId": "site", "type": "url", "text": "A web page about it"},
        {"linkId": "weight", "type": "quantity", "text": "Weight", "extension": [
            {"url": UNIT, "valueCoding": {"system": "http://unitsofmeasure.org", "code": "kg", "display": "kg"}},
            {"url": UNIT, "valueCoding": {"system": "http://unitsofmeasure.org", "code": "[lb_av]", "display": "lb"}}]},
        {"linkId": "pet", "type": "open-choice", "text": "Pet", "answerOption": [
            {"valueString": "Cat"}, {"valueString": "Dog"}]},
        {"linkId": "nick", "type": "string", "text": "Nicknames", "repeats": True},
    ],
}


def test_every_item_type_goes_through_the_html_form(client, db):
    questionnaire = versions.import_questionnaire(copy.deepcopy(EVERY_TYPE)).questionnaire
    url = form_url(questionnaire)
    soup = page(client.get(url))
    assert_every_input_is_labelled(soup)
    assert soup.select_one("p.q-display").get_text() == "A few questions about today."
    assert soup.select_one("#q-ok").has_attr("checked")  # initial values are shown
    assert soup.select_one("#q-count")["value"] == "3" and soup.select_one("#q-count")["inputmode"] == "numeric"
    assert soup.select_one("#q-temp")["inputmode"] == "decimal"
    assert [soup.select_one(f"#q-{i}")["type"] for i in ("day", "when", "at", "site")] == [
        "date", "datetime-local", "time", "url"]
    assert soup.select_one("#q-name")["maxlength"] == "20"
    assert soup.select_one("#q-story").name == "textarea"
    assert [o.get_text() for o in soup.select("#q-weight__unit option")] == ["Choose a unit", "kg", "lb"]
    assert soup.select_one("label[for=q-pet-other]").get_text() == "Other answer (optional)"
    # "Add another answer" gives a repeating question one more box, without JavaScript.
    soup = page(client.post(url, {"nick": "Bo", "_add": "nick"}))
    assert [i["value"] for i in soup.select("input[name=nick]")] == ["Bo", ""]
    record = stored(client.post(url, {
        "ok": "false", "count": "12", "temp": "37.5", "day": "2026-03-01", "when": "2026-03-01T10:30",
        "at": "22:15", "name": "Ann", "story": "Fell over.\nGot up.", "site": "https://example.org/a",
        "weight": "70.5", "weight__unit": "kg", "pet__other": "Parrot", "nick": ["Bo", "", "Annie"],
    }))
    values = {link_id: answers_of(record, link_id) for link_id in
              ("ok", "count", "temp", "day", "at", "name", "story", "site", "weight", "pet", "nick")}
    assert values == {
        "ok": [False], "count": [12], "temp": [37.5], "day": ["2026-03-01"], "at": ["22:15:00"],
        "name": ["Ann"], "story": ["Fell over.\nGot up."], "site": ["https://example.org/a"],
        "weight": [{"value": 70.5, "unit": "kg", "system": "http://unitsofmeasure.org", "code": "kg"}],
        "pet": ["Parrot"], "nick": ["Bo", "Annie"],
    }
    assert re.fullmatch(r"2026-03-01T10:30:00[+-]\d\d:\d\d", answers_of(record, "when")[0])


@pytest.mark.parametrize("data, message", [
    ({"when": "2026-02-30T10:00"}, "“When did it start?” must be a real date and time"),
    ({"at": "25:00"}, "“Usual bedtime” must be a real time"),
    ({"site": "example.org"}, "“A web page about it” must be a web address starting with http:// or https://"),
    ({"weight": "70"}, "Choose a unit for “Weight”"),
    ({"name": "A name far longer than twenty"}, "“Your name” must be 20 characters or fewer"),
    ({"pet": "Cat", "pet__other": "Parrot"}, "Choose an answer from the list or enter your own for “Pet”, not both"),
])
def test_typing_mistakes_are_explained(client, db, data, message):
    questionnaire = versions.import_questionnaire(copy.deepcopy(EVERY_TYPE)).questionnaire
    soup = page(client.post(form_url(questionnaire), data))
    assert [text for _, text in error_summary(soup)] == [message]


# --- in a real browser: JavaScript on and off, with axe ----------------------------------------------

@pytest.fixture(scope="module")
def site(server, tmp_path_factory):
    """The shared production server (conftest.py), with the pain check imported by the command."""
    from support import run_on_server

    questionnaire_file = tmp_path_factory.mktemp("questionnaire-site") / "pain-check.json"
    questionnaire_file.write_text(json.dumps(PAIN_CHECK))
    run_on_server(server, "import-questionnaire", str(questionnaire_file))
    return server["base"]


@pytest.fixture(scope="module")
def chromium(browser):
    return browser


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False], ids=["javascript-on", "javascript-off"])
def test_a_follow_up_question_appears_in_place_or_after_submitting(site, chromium, javascript):
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    if not javascript:
        # None of the site's scripts load, as for a browser with JavaScript off; the browser
        # itself keeps JavaScript so that axe can still check the page.
        context.route("**/*.js", lambda route: route.abort())
    tab = context.new_page()
    errors = []
    tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    tab.goto(site + reverse("questionnaires:fill", kwargs={"fhir_id": "pain-check"}))
    assert tab.evaluate("document.documentElement.className") == ("js" if javascript else "no-js")
    follow_up = tab.get_by_label("How bad is it, from 0 to 10?")
    assert not follow_up.is_visible()
    assert axe_violations(tab) == []
    tab.get_by_label("Yes").check()
    if javascript:
        # It appears in place, and a screen reader hears that it did.
        follow_up.wait_for(state="visible")
        assert tab.locator("[data-q-live]").inner_text() == "More questions have appeared based on your answers"
        assert tab.url.endswith("/questionnaires/pain-check/")
        tab.get_by_label("My back").check()
        tab.get_by_label("Somewhere else").check()  # exclusive: unticks the others
        assert not tab.get_by_label("My back").is_checked()
    else:
        tab.get_by_role("button", name="Submit").click()
        assert tab.locator(".q-notice").inner_text() == "More questions have appeared based on your answers"
        assert follow_up.is_visible()
        tab.get_by_label("My back").check()
    assert axe_violations(tab) == []
    follow_up.fill("4")
    tab.get_by_role("button", name="Submit").click()
    tab.wait_for_url("**/questionnaires/responses/*/")
    assert tab.locator("h1").inner_text() == "Your answers"
    assert "How bad is it, from 0 to 10?" in tab.locator("main").inner_text()
    assert axe_violations(tab) == []
    if javascript:
        assert errors == []  # nothing blocked by the content security policy
    context.close()
