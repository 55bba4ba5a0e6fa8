"""SDC initialExpression, launchContext and answerExpression on the HTML form (ADR 0032).

Given a questionnaire that reads %patient and %user, when a signed-in patient opens it, then
the questions start filled in from their account (and they may change them); a visitor who is
not signed in gets an empty form and no error. An answerExpression's options are the ones
worked out for that person (an x-fhir-query is answered by our own FHIR search, scoped to
them); the server works them out again when the answers are stored, so a posted answer that
is not among them is refused. A launchContext the site cannot supply is an import warning."""

import copy

import pytest
from django.urls import reverse
from factories import PatientFactory, TreatmentPlanFactory
from sdc_support import FHIR_QUERY, expression, launch_context, variable
from test_questionnaire_forms import answers_of, form_url, page, stored

from careguide.questionnaires import engine, services, versions
from careguide.questionnaires.models import QuestionnaireResponse

ABOUT_YOU = {
    "resourceType": "Questionnaire",
    "id": "about-you",
    "url": "http://careguide.invalid/fhir/Questionnaire/about-you",
    "version": "1",
    "title": "About you",
    "status": "active",
    "extension": [launch_context("patient", "Patient"), launch_context("user", "Patient"),
                  variable("given", "%patient.name.first().given.first()")],
    "item": [
        {"linkId": "name", "type": "string", "text": "What should we call you?",
         "extension": [expression("initialExpression", "%given")]},
        {"linkId": "email", "type": "string", "text": "Your email",
         "extension": [expression("initialExpression", "%user.telecom.where(system = 'email').value")]},
        {"linkId": "contact", "type": "group", "text": "How to reach you",
         "extension": [variable("family", "%patient.name.first().family")],
         "item": [{"linkId": "full-name", "type": "string", "text": "Full name",
                   "extension": [expression("initialExpression", "%given + ' ' + %family")]}]},
        {"linkId": "form-state", "type": "string", "text": "Form state",
         "extension": [expression("initialExpression", "%resource.status")]},
    ],
}

PLAN_CHOICE = {
    "resourceType": "Questionnaire",
    "id": "which-plan",
    "url": "http://careguide.invalid/fhir/Questionnaire/which-plan",
    "version": "1",
    "title": "Which plan",
    "status": "active",
    "extension": [launch_context("patient", "Patient")],
    "item": [
        {"linkId": "plan", "type": "choice", "text": "Which treatment plan is this about?", "required": True,
         "extension": [expression("answerExpression", "CarePlan?subject:identifier={{%patient.id}}", FHIR_QUERY)]},
        {"linkId": "contact", "type": "choice", "text": "How should we reach you?", "required": True,
         "extension": [expression("answerExpression",
                                  "%patient.telecom.value | 'Phone call' | 'A letter'")]},
    ],
}


@pytest.fixture
def about_you(db):
    return versions.import_questionnaire(copy.deepcopy(ABOUT_YOU)).questionnaire


@pytest.fixture
def plan_choice(db):
    return versions.import_questionnaire(copy.deepcopy(PLAN_CHOICE)).questionnaire


@pytest.fixture
def ana(db):
    return PatientFactory(first_name="Ana", last_name="Reyes", email="ana@example.org")


def value_of_input(soup, name):
    control = soup.find(attrs={"name": name})
    assert control is not None, name
    return control.get("value", "")


def test_a_signed_in_patient_finds_questions_filled_in_from_their_account(client, about_you, ana):
    client.force_login(ana)
    soup = page(client.get(form_url(about_you)))
    assert value_of_input(soup, "name") == "Ana"
    assert value_of_input(soup, "email") == "ana@example.org"
    # A group's own variable, with the questionnaire's, and %resource (the response being started).
    assert value_of_input(soup, "full-name") == "Ana Reyes"
    assert value_of_input(soup, "form-state") == "in-progress"


def test_prefilled_answers_are_only_a_start_the_patient_may_change_or_clear(client, about_you, ana):
    client.force_login(ana)
    assert value_of_input(page(client.get(form_url(about_you))), "name") == "Ana"
    response = client.post(form_url(about_you), {"name": "Annie", "email": "", "full-name": "Ana Reyes"})
    record = stored(response)
    assert answers_of(record, "name") == ["Annie"]
    assert answers_of(record, "email") == []
    assert answers_of(record, "full-name") == ["Ana Reyes"]


def test_a_visitor_who_is_not_signed_in_gets_an_empty_form_and_no_error(client, about_you):
    response = client.get(form_url(about_you))
    assert response.status_code == 200
    soup = page(response)
    assert value_of_input(soup, "name") == ""
    assert value_of_input(soup, "email") == ""
    assert value_of_input(soup, "full-name") == ""


def test_staff_are_their_own_user_but_not_the_patient(client, about_you, nurse):
    nurse.first_name, nurse.email = "Nia", "nia@clinic.example"
    nurse.save()
    client.force_login(nurse)
    soup = page(client.get(form_url(about_you)))
    assert value_of_input(soup, "email") == "nia@clinic.example"  # %user, a Practitioner
    assert value_of_input(soup, "name") == ""  # no %patient: a nurse's own form is not a patient's


def test_a_launch_context_the_site_cannot_supply_is_an_import_warning_naming_it(db):
    resource = copy.deepcopy(ABOUT_YOU)
    resource["extension"].append(launch_context("encounter", "Encounter"))
    result = versions.import_questionnaire(resource)
    messages = [w.diagnostics for w in result.warnings]
    assert any("launchContext “encounter”" in m and "not supplied" in m for m in messages), messages
    assert not any("“patient”" in m or "“user”" in m for m in messages), messages


def test_expressions_the_engine_cannot_run_are_named_at_import(db):
    resource = copy.deepcopy(ABOUT_YOU)
    resource["item"][0]["extension"] = [expression("initialExpression", "Patient.name", "text/cql")]
    messages = [w.diagnostics for w in versions.import_questionnaire(resource).warnings]
    assert any("Item name" in m and "initialExpression in text/cql" in m for m in messages), messages


def options(soup, name):
    return {i["value"]: soup.find("label", attrs={"for": i["id"]}).get_text(" ", strip=True)
            for i in soup.find_all("input", attrs={"name": name, "type": "radio"})}


def test_answer_options_come_from_the_patients_own_records_and_fhirpath(client, plan_choice, ana):
    plan = TreatmentPlanFactory(patient=ana)
    TreatmentPlanFactory(patient=PatientFactory(email="other@example.org"))  # someone else's plan
    client.force_login(ana)
    soup = page(client.get(form_url(plan_choice)))
    plans = options(soup, "plan")
    assert list(plans.values()) == [plan.title]
    assert set(options(soup, "contact").values()) == {"ana@example.org", "Phone call", "A letter"}
    token = next(iter(plans))
    contact = next(k for k, v in options(soup, "contact").items() if v == "Phone call")
    record = stored(client.post(form_url(plan_choice), {"plan": token, "contact": contact}))
    assert answers_of(record, "plan") == [{"reference": f"CarePlan/{plan.fhir_id}", "display": plan.title}]
    assert answers_of(record, "contact") == ["Phone call"]


def test_a_visitor_has_no_plans_to_choose_and_the_page_still_works(client, plan_choice, ana):
    TreatmentPlanFactory(patient=ana)
    response = client.get(form_url(plan_choice))
    assert response.status_code == 200
    soup = page(response)
    assert options(soup, "plan") == {}
    # Still a closed list: no box to type any plan into.
    assert soup.find("input", attrs={"name": "plan", "type": "text"}) is None


def test_the_server_refuses_an_answer_not_among_the_options_worked_out_for_the_person(client, plan_choice, ana):
    """Another patient's plan is not among Ana's options: posting it (by FHIR, where nothing is
    shown first) is refused, and nothing is stored."""
    mine = TreatmentPlanFactory(patient=ana)
    theirs = TreatmentPlanFactory(patient=PatientFactory(email="other@example.org"))
    client.force_login(ana)

    def post(plan):
        body = {"resourceType": "QuestionnaireResponse", "status": "completed",
                "questionnaire": services.canonical(plan_choice), "item": [
                    {"linkId": "plan", "answer": [{"valueReference": {"reference": f"CarePlan/{plan.fhir_id}"}}]},
                    {"linkId": "contact", "answer": [{"valueString": "A letter"}]}]}
        return client.post(reverse("fhir:questionnaire_response_type"), body, content_type="application/fhir+json")

    refused = post(theirs)
    assert refused.status_code == 400, refused.content
    assert "plan" in refused.content.decode()
    assert not QuestionnaireResponse.objects.filter(questionnaire=plan_choice).exists()
    assert post(mine).status_code == 201


def test_without_a_person_an_answer_list_from_an_expression_accepts_nothing(db):
    """Checked against the shared parse (no person worked out), nothing passes: never unchecked."""
    definition = engine.parse_questionnaire(copy.deepcopy(PLAN_CHOICE))
    response = {"resourceType": "QuestionnaireResponse", "status": "completed", "item": [
        {"linkId": "plan", "answer": [{"valueReference": {"reference": "CarePlan/anything"}}]},
        {"linkId": "contact", "answer": [{"valueString": "A letter"}]}]}
    refused = {i.link_id for i in engine.validate_response(definition, response) if i.is_error}
    assert refused == {"plan", "contact"}
