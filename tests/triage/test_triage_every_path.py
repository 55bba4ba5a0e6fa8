"""Every way into a triage-bound questionnaire judges the answers the same way (issue 14, item 1).

Triage is bound to the questionnaire (careguide/questionnaires/bindings.py), not to one view. For
each bound questionnaire and each way a person or a program can send its answers (the tool's own
pages, the generic form at /questionnaires/<id>/, POST /fhir/QuestionnaireResponse, and answers
given anonymously then claimed at sign-in) the same answers give the same disposition, the same
records, the same alert, and the result is given back: on the page as the advice, to a FHIR
client as the triage-result extension (ADR 0020).
"""

from __future__ import annotations

import json

import pytest
from backpain_support import STEP_ITEMS as GATE_STEP_ITEMS
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from sideeffects_support import CALM, answers, text

from careguide.alerts.models import Alert, TriageEvent
from careguide.questionnaires import bindings, services
from careguide.questionnaires.forms import QuestionnaireForm, initial_response
from careguide.questionnaires.models import Questionnaire, QuestionnaireResponse
from careguide.sideeffects.models import SideEffectCheck

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient(team_patient):
    return team_patient

CHECK_URL = "http://careguide.invalid/fhir/Questionnaire/side-effect-check"
GATE_URL = "http://careguide.invalid/fhir/Questionnaire/back-pain-gate"
ON_TREATMENT = {"context.on_sact": "yes", "context.immunosuppressed": "no", "context.ici": "no"}

# Answers (form field -> value, by step) and what every path must conclude from them.
SIDE_EFFECT_CASES = {
    "green": (answers(), "green", "You can look after yourself at home"),
    "amber": (answers(nausea="less"), "amber", "Contact your care team within 24 hours"),
    "red": (answers(**ON_TREATMENT, **{"temperature.value": "38.2", "temperature.value__unit": "Cel"}), "red",
            "Call the 24-hour cancer care line now"),
    # The issue's own example: chest pain and 40.2 C.
    "emergency": (answers(chest_pain="true", **ON_TREATMENT,
                          **{"temperature.value": "40.2", "temperature.value__unit": "Cel"}), "emergency",
                  "Call 911 now"),
}


def gate_steps(**chosen) -> list[dict]:
    values = {"legs.symptoms": ["none"], "bladder-bowel.symptoms": ["none"], "bladder-bowel.saddle": "false",
              "unwell.symptoms": ["none"], "history.items": ["none"], "pain.features": ["none"], **chosen}
    steps = [{} for _ in range(5)]
    for step, link in GATE_STEP_ITEMS:
        steps[step][link] = values[link]
    return steps


GATE_CASES = {
    "proceed": (gate_steps(), "proceed", "You can start the back pain program"),
    "see_doctor_first": (gate_steps(**{"history.items": ["cancer_history"]}), "see_doctor_first",
                         "Talk with your doctor before you start"),
    "urgent": (gate_steps(**{"unwell.symptoms": ["unexplained_fever"]}), "urgent", "Contact a doctor today"),
    "emergency": (gate_steps(**{"bladder-bowel.saddle": "true"}), "emergency", "Get emergency help now"),
}

CASES = {CHECK_URL: SIDE_EFFECT_CASES, GATE_URL: GATE_CASES}
TOOL_PAGES = {CHECK_URL: "sideeffects:check", GATE_URL: "backpain:gate"}
PATHS = ("tool page", "generic form", "FHIR API", "anonymous, claimed at sign-in")


def test_every_bound_questionnaire_is_walked_here():
    """A questionnaire bound to triage later must get its cases and tool page in this file."""
    assert {b.url for b in bindings.all_bindings()} == set(CASES) == set(TOOL_PAGES)


# --- driving each path ------------------------------------------------------------------------


def _questionnaire(url) -> Questionnaire:
    return Questionnaire.objects.current(url)


def _post_steps(client, path: str, steps: list[dict]):
    """Answer a paged form step by step as a browser without JavaScript does; the redirect that
    leaves the form (to a result) ends it, even before the last step."""
    assert client.get(path + "?restart=1").status_code == 200
    response = None
    for index, data in enumerate(steps):
        response = client.post(path, {**data, "_step": str(index), "_action": "continue"})
        assert response.status_code == 303, text(response)[:2000]
        if response["Location"] != path:
            return response["Location"]
    return response["Location"]


def _fhir_body(questionnaire: Questionnaire, steps: list[dict]) -> dict:
    """The QuestionnaireResponse a FHIR client would send for these answers."""
    definition = services.parsed(questionnaire)
    response = initial_response(definition)
    for index, data in enumerate(steps):
        posted = QueryDict(mutable=True)
        for name, value in {**data, "_action": "continue"}.items():
            posted.setlist(name, value if isinstance(value, list) else [value])
        form = QuestionnaireForm(definition, posted, response=response, step=definition.steps[index])
        assert form.is_valid(), form.errors
        response = form.response()
    return {**response, "resourceType": "QuestionnaireResponse", "status": "completed",
            "questionnaire": services.canonical(questionnaire)}


def walk(path_name, url, steps, patient, django_capture_on_commit_callbacks):
    """Send ``steps`` to the questionnaire at ``url`` along one path. Returns (the page or resource
    the person or client gets back, the stored response, whether anyone was signed in)."""
    questionnaire = _questionnaire(url)
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        if path_name == "FHIR API":
            client.force_login(patient)
            response = client.post(reverse("fhir:questionnaire_response_type"),
                                   json.dumps(_fhir_body(questionnaire, steps)),
                                   content_type="application/fhir+json")
            assert response.status_code == 201, response.content.decode()[:2000]
            resource = response.json()
            record = QuestionnaireResponse.objects.get(fhir_id=resource["id"])
            return resource, record, True
        if path_name == "anonymous, claimed at sign-in":
            location = _post_steps(client, reverse(TOOL_PAGES[url]), steps)
            client.force_login(patient)
            record = QuestionnaireResponse.objects.get(subject=patient)
            return client.get(location), record, True
        signed_in = path_name in ("tool page", "generic form")
        client.force_login(patient)
        page = reverse(TOOL_PAGES[url]) if path_name == "tool page" else reverse(
            "questionnaires:fill", args=[questionnaire.fhir_id])
        location = _post_steps(client, page, steps)
        record = QuestionnaireResponse.objects.get(subject=patient)
        return client.get(location), record, signed_in


@pytest.mark.parametrize("path_name", PATHS)
@pytest.mark.parametrize("case", list(SIDE_EFFECT_CASES))
def test_side_effect_answers_are_triaged_on_every_path(case, path_name, patient, notifier,
                                                       django_capture_on_commit_callbacks):
    steps, disposition, heading = SIDE_EFFECT_CASES[case]
    got, record, _ = walk(path_name, CHECK_URL, steps, patient, django_capture_on_commit_callbacks)

    # The same records: the response with its outcome, the check, the triage event.
    assert record.outcome == disposition
    check = SideEffectCheck.objects.get(patient=patient)
    assert check.response == record and check.disposition == disposition
    event = TriageEvent.objects.get(patient=patient)
    assert event.disposition == disposition and event.source_url == reverse("sideeffects:result", args=[check.pk])
    # The same alert, and the care team told once.
    alerted = disposition in ("red", "emergency")
    assert Alert.objects.filter(patient=patient, kind=disposition).count() == (1 if alerted else 0)
    assert len(notifier.calls) == (1 if alerted else 0)
    if alerted:
        assert notifier.calls[0][1] == [patient.nurse.pk]
    # The result given back.
    extension = bindings.result_of(record.resource)
    assert extension["disposition"] == disposition
    assert extension["careTeamAlerted"] is alerted
    if path_name == "FHIR API":
        assert bindings.result_of(got)["disposition"] == disposition
        assert bindings.result_of(got)["guidance"].endswith(reverse("sideeffects:result", args=[check.pk]))
    else:
        assert got.status_code == 200
        assert heading in text(got)


@pytest.mark.parametrize("path_name", ["tool page", "generic form"])
@pytest.mark.parametrize("case", ["amber", "emergency"])
def test_an_anonymous_person_gets_the_advice_on_every_form(case, path_name, client):
    steps, disposition, heading = SIDE_EFFECT_CASES[case]
    questionnaire = _questionnaire(CHECK_URL)
    page = reverse("sideeffects:check") if path_name == "tool page" else reverse(
        "questionnaires:fill", args=[questionnaire.fhir_id])
    result = client.get(_post_steps(client, page, steps))
    assert heading in text(result)
    assert "Your care team has not been told" in text(result)
    assert QuestionnaireResponse.objects.get().outcome == disposition
    assert not TriageEvent.objects.exists()


@pytest.mark.parametrize("path_name", PATHS)
@pytest.mark.parametrize("case", list(GATE_CASES))
def test_back_pain_gate_answers_are_triaged_on_every_path(case, path_name, patient, notifier,
                                                          django_capture_on_commit_callbacks):
    steps, disposition, heading = GATE_CASES[case]
    got, record, _ = walk(path_name, GATE_URL, steps, patient, django_capture_on_commit_callbacks)
    assert record.outcome == disposition
    assert bindings.result_of(record.resource)["disposition"] == disposition
    # An emergency or urgent result reaches the patient's care team, once, on every path.
    alerted = disposition in ("emergency", "urgent")
    assert Alert.objects.filter(patient=patient).count() == (1 if alerted else 0)
    assert len(notifier.calls) == (1 if alerted else 0)
    assert bindings.result_of(record.resource)["careTeamAlerted"] is alerted
    if path_name == "FHIR API":
        assert bindings.result_of(got)["guidance"].endswith(reverse("backpain:gate_result", args=[record.fhir_id]))
    else:
        assert heading in text(got)


def test_a_fhir_client_reads_the_disposition_back_and_it_is_valid_fhir(patient, notifier,
                                                                       django_capture_on_commit_callbacks):
    from careguide.fhir.validation import validate

    steps = SIDE_EFFECT_CASES["emergency"][0]
    created, record, _ = walk("FHIR API", CHECK_URL, steps, patient, django_capture_on_commit_callbacks)
    client = Client()
    client.force_login(patient)
    read = client.get(reverse("fhir:questionnaire_response", args=[record.fhir_id])).json()
    assert validate(read, "QuestionnaireResponse") == []
    (extension,) = [e for e in read["extension"] if e["url"] == bindings.RESULT_EXTENSION]
    parts = {p["url"]: p for p in extension["extension"]}
    assert parts["disposition"]["valueCoding"] == {
        "system": f"{bindings.DISPOSITION_SYSTEM}/side-effects", "code": "emergency", "display": "Call 911 now"}
    assert parts["ruleSet"]["valueString"].startswith("side-effect-triage|")
    assert parts["careTeamAlerted"]["valueBoolean"] is True
    reasons = [p["valueString"] for p in extension["extension"] if p["url"] == "reason"]
    assert reasons and all(reasons)


def test_answers_the_rules_cannot_use_are_refused_on_the_fhir_api_naming_the_question(patient):
    questionnaire = _questionnaire(CHECK_URL)
    steps = answers(**{"temperature.value": "60", "temperature.value__unit": "Cel"})
    body = _fhir_body(questionnaire, steps[:2] + [CALM[2]] + steps[3:])
    for item in body["item"]:
        for child in item.get("item", ()):
            if child["linkId"] == "temperature.value":
                child["answer"] = [{"valueQuantity": {"value": 60, "unit": "°C", "system": "http://unitsofmeasure.org",
                                                      "code": "Cel"}}]
    client = Client()
    client.force_login(patient)
    response = client.post(reverse("fhir:questionnaire_response_type"), json.dumps(body),
                           content_type="application/fhir+json")
    assert response.status_code == 400
    issue = response.json()["issue"][0]
    assert "temperature" in json.dumps(issue).lower()
    assert not QuestionnaireResponse.objects.exists() and not SideEffectCheck.objects.exists()


def test_the_same_fhir_submission_sent_twice_is_stored_once_and_alerts_once(patient, notifier,
                                                                             django_capture_on_commit_callbacks):
    body = _fhir_body(_questionnaire(CHECK_URL), SIDE_EFFECT_CASES["red"][0])
    body["identifier"] = {"system": "urn:uuid:app", "value": "7e0c7a52-1a1a-4a55-9b8c-6d9a1ff0e001"}
    client = Client()
    client.force_login(patient)
    statuses = []
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            response = client.post(reverse("fhir:questionnaire_response_type"), json.dumps(body),
                                   content_type="application/fhir+json")
            statuses.append(response.status_code)
    assert statuses == [201, 200]
    assert QuestionnaireResponse.objects.count() == 1 and SideEffectCheck.objects.count() == 1
    assert Alert.objects.filter(patient=patient).count() == 1 and len(notifier.calls) == 1


def test_pressing_submit_twice_stores_one_check_and_one_alert(patient, notifier, django_capture_on_commit_callbacks):
    client = Client()
    client.force_login(patient)
    steps = SIDE_EFFECT_CASES["amber"][0]
    path = reverse("sideeffects:check")
    client.get(path + "?restart=1")
    for index, data in enumerate(steps[:-1]):
        client.post(path, {**data, "_step": str(index), "_action": "continue"})
    last = client.get(path)
    token = last.context["submission_token"]
    post = {**steps[-1], "_step": str(len(steps) - 1), "_action": "continue", "_submission": token}
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(path, post)
        second = client.post(path, post)
    assert first.status_code == second.status_code == 303
    assert first["Location"] == second["Location"]
    assert SideEffectCheck.objects.count() == 1 and TriageEvent.objects.count() == 1


def test_the_answers_page_of_a_bound_response_says_what_to_do(client):
    steps, _, heading = SIDE_EFFECT_CASES["emergency"]
    questionnaire = _questionnaire(CHECK_URL)
    _post_steps(client, reverse("questionnaires:fill", args=[questionnaire.fhir_id]), steps)
    record = QuestionnaireResponse.objects.get()
    page = client.get(reverse("questionnaires:response", args=[record.fhir_id]))
    assert f"What to do: {heading}" in text(page)
    assert reverse("sideeffects:anonymous_result") in page.content.decode()
