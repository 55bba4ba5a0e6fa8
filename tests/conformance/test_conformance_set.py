"""The conformance set (issue 16): public R4 questionnaires, each filled with what a person
would answer, and the stored response compared with the one worked out by hand.

Given a questionnaire an administrator imports with `careguide import-questionnaire`,
when a person fills it through the HTML form without JavaScript (step by step, "Add another"
for repeating groups), or a FHIR client posts the same answers to /fhir/QuestionnaireResponse
(without the calculated answers, and again with them as a correct client computes them),
then the stored response holds exactly the hand-worked answers. A questionnaire that uses a
feature we do not support is refused at import, the message naming the item and the feature.
The browser (JavaScript on) way is in test_conformance_browser.py."""

from __future__ import annotations

import io
import json

import pytest
from conformance_support import (
    Case,
    FillError,
    assert_same_items,
    calculated_link_ids,
    imported_ids,
    params,
    refused_input_params,
    replaced,
    sendable,
    without,
)
from django.core.management import CommandError, call_command
from django.urls import reverse
from html_filler import NoJavaScriptPerson

from careguide.questionnaires import services
from careguide.questionnaires.models import Questionnaire, QuestionnaireResponse

FHIR_JSON = "application/fhir+json"


def import_as_administrator(case: Case) -> Questionnaire:
    """The case's ValueSets, then its questionnaire, loaded with the commands an administrator runs."""
    out = io.StringIO()
    for path in case.valueset_paths:
        call_command("import_valueset", str(path), stdout=out)
    call_command("import_questionnaire", str(case.path), stdout=out)
    fhir_id = imported_ids(out.getvalue()).get(case.path.name)
    assert fhir_id, f"the import named no questionnaire: {out.getvalue()!r}"
    return Questionnaire.objects.get(fhir_id=fhir_id)


def signed_in_patient(client, patient, case: Case):
    """The patient signed in, with the details the case's prefill reads (name, birth date, gender)."""
    context = case.context
    changes = {"first_name": context.get("given", patient.first_name), "last_name": context.get("family", "")}
    for key, attribute in (("birthDate", "birth_date"), ("gender", "gender")):
        if key in context and hasattr(patient, attribute):
            changes[attribute] = context[key]
    type(patient).objects.filter(pk=patient.pk).update(**changes)
    client.force_login(type(patient).objects.get(pk=patient.pk))
    return client


@pytest.mark.parametrize("case", params("import", refused=True))
def test_a_form_using_a_feature_we_do_not_support_is_refused_at_import_naming_item_and_feature(db, case):
    before = Questionnaire.objects.count()
    with pytest.raises(CommandError) as refused:
        call_command("import_questionnaire", str(case.path), stdout=io.StringIO())
    message = str(refused.value)
    for words in case.import_error:
        assert str(words) in message, f"{words!r} not in the import error:\n{message}"
    assert Questionnaire.objects.count() == before


@pytest.mark.parametrize("case", params("html"))
def test_filled_through_the_html_form_without_javascript_stores_the_hand_worked_response(
        client, patient, case):
    questionnaire = import_as_administrator(case)
    signed_in_patient(client, patient, case)
    url = reverse("questionnaires:fill", kwargs={"fhir_id": questionnaire.fhir_id})
    response_id = NoJavaScriptPerson(client, url, case.input).fill()
    record = QuestionnaireResponse.objects.get(fhir_id=response_id)
    assert_same_items(record.resource.get("item") or [], case.expected)


def _post(client, questionnaire, items):
    body = {"resourceType": "QuestionnaireResponse", "status": "completed",
            "questionnaire": services.canonical(questionnaire), "item": items}
    response = client.post(reverse("fhir:questionnaire_response_type"), data=json.dumps(body),
                           content_type=FHIR_JSON)
    assert response.status_code == 201, f"{response.status_code}: {response.content.decode()[:2000]}"
    return response.json()


@pytest.mark.parametrize("case", params("fhir"))
def test_posted_by_a_fhir_client_without_calculated_answers_stores_them_worked_out(client, patient, case):
    questionnaire = import_as_administrator(case)
    signed_in_patient(client, patient, case)
    sent = without(sendable(case.expected), calculated_link_ids(case.resource))
    stored = _post(client, questionnaire, sent)
    assert_same_items(stored.get("item") or [], case.expected)
    record = QuestionnaireResponse.objects.get(fhir_id=stored["id"])
    assert_same_items(record.resource.get("item") or [], case.expected)


@pytest.mark.parametrize("case", params("fhir_calculated"))
def test_posted_by_a_fhir_client_with_correct_calculated_answers_is_accepted_as_sent(client, patient, case):
    questionnaire = import_as_administrator(case)
    signed_in_patient(client, patient, case)
    stored = _post(client, questionnaire, sendable(case.expected))
    assert_same_items(stored.get("item") or [], case.expected)


@pytest.mark.parametrize(("case", "wrong"), refused_input_params("html"))
def test_a_typed_answer_that_breaks_a_constraint_is_shown_again_naming_the_question(client, patient, case, wrong):
    questionnaire = import_as_administrator(case)
    signed_in_patient(client, patient, case)
    url = reverse("questionnaires:fill", kwargs={"fhir_id": questionnaire.fhir_id})
    answers = {**case.input, wrong["linkId"]: wrong["typed"]}
    with pytest.raises(FillError) as shown_again:
        NoJavaScriptPerson(client, url, answers).fill()
    assert "shown again" in str(shown_again.value) and wrong["label"] in str(shown_again.value), shown_again.value
    assert not QuestionnaireResponse.objects.filter(questionnaire=questionnaire).exists()


@pytest.mark.parametrize(("case", "wrong"), refused_input_params("fhir"))
def test_a_posted_answer_that_breaks_a_constraint_is_refused_naming_the_item(client, patient, case, wrong):
    questionnaire = import_as_administrator(case)
    signed_in_patient(client, patient, case)
    body = {"resourceType": "QuestionnaireResponse", "status": "completed",
            "questionnaire": services.canonical(questionnaire),
            "item": replaced(sendable(case.expected), wrong["linkId"], wrong["answer"])}
    response = client.post(reverse("fhir:questionnaire_response_type"), data=json.dumps(body),
                           content_type=FHIR_JSON)
    assert response.status_code == 400, response.content.decode()[:1000]
    assert wrong["linkId"] in response.content.decode()
    assert not QuestionnaireResponse.objects.filter(questionnaire=questionnaire).exists()
