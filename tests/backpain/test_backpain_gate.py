"""The back-pain program's red-flag gate, as a person answers it (no JavaScript: server steps)."""

import itertools
import json
from datetime import timedelta

import pytest
import time_machine
from backpain_support import GATE, STEP_ITEMS, take_gate
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from factories import PatientFactory
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse as FhirResponse
from hypothesis import given, settings
from hypothesis import strategies as st
from paths import CONTENT

from careguide.audit.models import AuditEvent
from careguide.backpain import gate, services
from careguide.backpain.models import Clearance, Enrollment
from careguide.questionnaires import engine
from careguide.questionnaires.models import QuestionnaireResponse
from careguide.triage.back_pain import back_pain_rules, evaluate_back_pain

pytestmark = pytest.mark.django_db

GATE_FILE = CONTENT / "questionnaires" / "back-pain-gate.json"
DEFINITION = engine.parse_questionnaire(json.loads(GATE_FILE.read_text()))
def text(response):
    import re

    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def patient(db):
    return PatientFactory(email="pat@example.org")



# --- Each disposition has its own page --------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "heading", "disposition"),
    [
        ({}, "You can start the back pain program", "proceed"),
        ({"unwell": ["unexplained_nausea_vomiting"]}, "Talk with your doctor before you start", "see_doctor_first"),
        ({"legs": ["leg_tingling"]}, "Talk with your doctor before you start", "see_doctor_first"),
        ({"history": ["unexplained_weight_loss"]}, "Talk with your doctor before you start", "see_doctor_first"),
        ({"unwell": ["unexplained_fever"]}, "Contact a doctor today", "urgent"),
        ({"history": ["cancer_history"], "pain": ["night_pain"]}, "Contact a doctor today", "urgent"),
        ({"saddle": True}, "Get emergency help now", "emergency"),
        ({"bladder": ["urination_difficulty"]}, "Get emergency help now", "emergency"),
        ({"legs": ["both_legs_or_worsening_weakness"]}, "Get emergency help now", "emergency"),
        ({"legs": ["leg_severe_pain"], "history": ["cancer_history"]}, "Get emergency help now", "emergency"),
    ],
)
def test_each_answer_set_leads_to_its_disposition_page(client, answers, heading, disposition):
    location = take_gate(client, **answers)
    page = client.get(location)
    assert page.status_code == 200
    assert f'<h1 id="result-title">{heading}</h1>' in page.content.decode()
    stored = QuestionnaireResponse.objects.get()
    assert stored.outcome == disposition
    assert stored.questionnaire_version == "2026.11.1"
    assert stored.questionnaire_url == gate.GATE_URL


def test_emergency_page_says_call_911_before_anything_else(client):
    page = client.get(take_gate(client, saddle=True))
    body = page.content.decode()
    main = body[body.index('<main id="main-content"') :]
    first_words = text(type("R", (), {"content": main.encode()})())[:200]
    assert "Call 911 or go to an emergency department now." in first_words
    assert 'href="tel:911"' in main
    # Why, in plain words: the person's own answer and the rule's reason.
    assert "Why we say this" in body
    assert "Numbness between your legs can mean the nerves at the bottom of your spine" in text(page)


def test_urgent_page_gives_the_configured_phone_numbers(client):
    page = client.get(take_gate(client, unwell=["unexplained_fever"]))
    content = text(page)
    assert "Call your doctor's office today" in content
    assert "510-555-0199" in content  # advice line, from content/site.yaml
    assert "510-555-0100" in content  # cancer care team
    assert "A fever with back pain can be a sign of an infection in the spine." in content


def test_see_doctor_first_page_shows_what_the_person_said(client):
    page = client.get(take_gate(client, history=["unexplained_weight_loss"]))
    content = text(page)
    assert "I have lost weight without trying" in content
    assert "please talk with your doctor about them before you start" in content.lower()
    # Anonymous: the clearance needs an account, and says so.
    assert "sign in" in content and "create an account" in content


# --- Asking: one step at a time, with an explicit "None of these" ---------------------


def test_a_step_left_blank_shows_an_error_linked_to_the_question(client):
    client.get(GATE + "?restart=1")
    page = client.post(GATE, {"_step": "0", "_action": "continue"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "There is a problem" in body
    assert 'href="#q-legs-symptoms"' in body
    assert QuestionnaireResponse.objects.count() == 0


def test_none_of_these_cannot_be_ticked_with_a_symptom(client):
    client.get(GATE + "?restart=1")
    page = client.post(GATE, {"legs.symptoms": ["none", "leg_weakness"], "_step": "0", "_action": "continue"})
    assert page.status_code == 200
    assert "None of these" in text(page)
    assert 'href="#q-legs-symptoms"' in page.content.decode()
    assert QuestionnaireResponse.objects.count() == 0


def test_a_result_is_private_to_the_browser_that_answered(client):
    location = take_gate(client, unwell=["unexplained_fever"])
    assert Client().get(location).status_code == 404
    assert client.get(location).status_code == 200


def test_signing_in_claims_the_answers_given_before(client, patient):
    location = take_gate(client, history=["unexplained_weight_loss"])
    client.force_login(patient)
    stored = QuestionnaireResponse.objects.get()
    assert stored.subject == patient
    assert client.get(location).status_code == 200


def test_the_stored_record_is_a_valid_fhir_questionnaire_response(client):
    take_gate(client, legs=["leg_weakness"], pain=["worse_straining", "night_pain"])
    stored = QuestionnaireResponse.objects.get()
    FhirResponse.model_validate(stored.resource)
    assert stored.resource["questionnaire"].endswith("|2026.11.1")
    assert gate.fields_from_response(stored.resource) == {
        **dict.fromkeys(gate.FIELDS, False),
        "leg_weakness": True,
        "spinal_metastasis_pain_features": True,
    }


# --- "My doctor has cleared me" ---------------------------------------------------------


def test_clearance_is_recorded_with_time_and_versions_and_lets_the_person_start(patient_client, patient):
    location = take_gate(patient_client, unwell=["unexplained_nausea_vomiting"])
    response = QuestionnaireResponse.objects.get()
    assert response.subject == patient
    assert gate.passing_response(patient, response.fhir_id) is None

    refused = patient_client.post(f"{location}cleared/", {})
    assert refused.status_code == 400
    assert "Tick the box to confirm that your doctor has cleared you" in text(refused)
    assert not Clearance.objects.exists()

    done = patient_client.post(f"{location}cleared/", {"attest": "yes"})
    assert done.status_code == 302
    clearance = Clearance.objects.get()
    assert clearance.flags == ["unexplained_nausea_vomiting"]
    assert clearance.questionnaire_version == "2026.11.1"
    assert clearance.rule_set_version == back_pain_rules().version
    assert clearance.attested_at is not None
    assert AuditEvent.objects.filter(object_type="backpain.clearance", actor=patient).exists()

    page = patient_client.get(location)
    assert "Start the back pain program" in text(page)
    started = patient_client.post(reverse("backpain:start"), {"response": str(response.fhir_id)})
    assert started.status_code == 302
    assert Enrollment.objects.get(user=patient).is_active


@pytest.mark.parametrize("answers", [{"unwell": ["unexplained_fever"]}, {"saddle": True}])
def test_clearance_is_never_offered_or_accepted_for_urgent_or_emergency(patient_client, answers):
    location = take_gate(patient_client, **answers)
    page = patient_client.get(location)
    assert "My doctor has checked" not in text(page)
    assert patient_client.post(f"{location}cleared/", {"attest": "yes"}).status_code == 404
    assert not Clearance.objects.exists()


def test_an_old_clearance_does_not_cover_a_new_emergency(patient_client, patient):
    take_gate(patient_client, legs=["leg_tingling"])
    gate.record_clearance(patient, QuestionnaireResponse.objects.get())
    # Same flag again: covered.
    take_gate(patient_client, legs=["leg_tingling"])
    assert QuestionnaireResponse.objects.order_by("-created_at", "-pk").first().outcome == "proceed"
    # The same flag plus cancer history is an emergency, whatever the clearance says.
    take_gate(patient_client, legs=["leg_tingling"], history=["cancer_history"])
    assert QuestionnaireResponse.objects.order_by("-created_at", "-pk").first().outcome == "emergency"


# --- The gate at every check-in ----------------------------------------------------------


def _enrolled(client, patient):
    take_gate(client)
    response = QuestionnaireResponse.objects.get()
    return services.start_enrollment(patient, response)


def test_check_in_asks_the_gate_first_and_passes_on_to_the_check_in(patient_client, patient):
    _enrolled(patient_client, patient)
    with time_machine.travel(timezone.now() + timedelta(days=7), tick=False):  # the check-in is open
        patient_client.force_login(patient)
        first = patient_client.get(reverse("backpain:check_in"))
        assert first.status_code == 302 and first["Location"] == GATE + "?for=check-in"
        page = patient_client.get(first["Location"])
        assert "Your weekly safety check" in text(page)
        location = take_gate(patient_client, purpose="check-in")
        assert location == "/back-pain-program/check-in/"
        assert patient_client.get(location).status_code == 200


@pytest.mark.parametrize(
    ("answers", "disposition"),
    [
        ({"bladder": ["bladder_bowel_control"]}, "emergency"),
        ({"history": ["unexplained_weight_loss"]}, "see_doctor_first"),
    ],
)
def test_a_new_red_flag_at_check_in_stops_the_program(patient_client, patient, answers, disposition):
    enrollment = _enrolled(patient_client, patient)
    location = take_gate(patient_client, purpose="check-in", **answers)
    page = patient_client.get(location)
    assert "We have stopped your back pain program for now" in text(page)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.STOPPED
    assert enrollment.stopped_response.outcome == disposition
    assert patient_client.get(reverse("backpain:check_in")).status_code != 200


def test_a_cleared_flag_at_check_in_does_not_stop_the_program(patient_client, patient):
    take_gate(patient_client, unwell=["unexplained_nausea_vomiting"])
    response = QuestionnaireResponse.objects.get()
    gate.record_clearance(patient, response)
    enrollment = services.start_enrollment(patient, gate.passing_response(patient, response.fhir_id))
    location = take_gate(patient_client, purpose="check-in", unwell=["unexplained_nausea_vomiting"])
    assert location == "/back-pain-program/check-in/"
    enrollment.refresh_from_db()
    assert enrollment.is_active


# --- The questions and the rules agree ---------------------------------------------------


def _options(link_id):
    return [o.value["code"] for o in DEFINITION.by_link_id[link_id].options]


def test_every_answer_maps_to_a_rule_field_and_every_field_can_be_answered():
    reachable = set()
    for _, link_id in STEP_ITEMS:
        item = DEFINITION.by_link_id[link_id]
        if item.type == "boolean":
            reachable.add(gate.BOOLEAN_FIELDS[link_id])
            continue
        for code in _options(link_id):
            if code == gate.NONE_CODE:
                continue
            targets = gate.CODE_FIELDS.get(code, code)
            targets = (targets,) if isinstance(targets, str) else targets
            assert set(targets) <= set(gate.FIELDS), code
            reachable |= set(targets)
    assert reachable == set(back_pain_rules().field_ids) - {"cleared_by_doctor"}


def _response(selection):
    items = []
    for (_, link_id), chosen in zip(STEP_ITEMS, selection, strict=True):
        if link_id == "bladder-bowel.saddle":
            answers = [{"valueBoolean": chosen}]
        else:
            answers = [{"valueCoding": {"system": "x", "code": c}} for c in (chosen or ["none"])]
        items.append({"linkId": link_id, "answer": answers})
    return {"resourceType": "QuestionnaireResponse", "status": "completed", "item": items}


def _selections():
    symptom_lists = [
        [c for c in _options(link_id) if c != gate.NONE_CODE] if link_id != "bladder-bowel.saddle" else None
        for _, link_id in STEP_ITEMS
    ]
    return st.tuples(*[st.booleans() if opts is None else st.lists(st.sampled_from(opts), unique=True)
                       for opts in symptom_lists])


@settings(max_examples=300, deadline=None)
@given(_selections())
def test_no_answer_ever_hides_a_question(selection):
    """Every question, above all the emergency ones, is asked whatever came before."""
    response = _response(selection)
    enabled = {visit.item.link_id for visit in engine.walk(DEFINITION, engine.read_response(response)) if visit.enabled}
    assert {link for _, link in STEP_ITEMS} <= enabled
    assert len(engine.enabled_steps(DEFINITION, response)) == 5


@settings(max_examples=300, deadline=None)
@given(_selections(), st.integers(min_value=0, max_value=5), st.data())
def test_ticking_one_more_symptom_never_gives_a_less_urgent_result(selection, position, data):
    rules = back_pain_rules()
    before = evaluate_back_pain(gate.fields_from_response(_response(selection)))
    more = list(selection)
    if STEP_ITEMS[position][1] == "bladder-bowel.saddle":
        more[position] = True
    else:
        extra = data.draw(st.sampled_from([c for c in _options(STEP_ITEMS[position][1]) if c != gate.NONE_CODE]))
        more[position] = sorted({*more[position], extra})
    after = evaluate_back_pain(gate.fields_from_response(_response(tuple(more))))
    assert rules.urgency(after.disposition) <= rules.urgency(before.disposition)


def test_every_single_answer_gives_the_disposition_its_field_gives():
    """Answer by answer, the questions mean what the rules mean (exhaustive over single answers)."""
    for index, (_, link_id) in enumerate(STEP_ITEMS):
        choices = [True] if link_id == "bladder-bowel.saddle" else [
            [c] for c in _options(link_id) if c != gate.NONE_CODE
        ]
        for choice in choices:
            selection = [False if link == "bladder-bowel.saddle" else [] for _, link in STEP_ITEMS]
            selection[index] = choice
            fields = gate.fields_from_response(_response(tuple(selection)))
            assert evaluate_back_pain(fields).disposition != "proceed", (link_id, choice)


def test_all_combinations_of_seed_flags_reach_the_same_result_as_the_rules():
    """The 4 seed questions and saddle numbness: all 2^12 field combinations through the form mapping."""
    codes = {
        "leg_severe_pain": ("legs.symptoms", "leg_severe_pain"),
        "leg_weakness": ("legs.symptoms", "leg_weakness"),
        "leg_tingling": ("legs.symptoms", "leg_tingling"),
        "both_legs_or_worsening_weakness": ("legs.symptoms", "both_legs_or_worsening_weakness"),
        "bladder_bowel_loss": ("bladder-bowel.symptoms", "bladder_bowel_control"),
        "unexplained_fever": ("unwell.symptoms", "unexplained_fever"),
        "unexplained_nausea_vomiting": ("unwell.symptoms", "unexplained_nausea_vomiting"),
        "cancer_history": ("history.items", "cancer_history"),
        "unexplained_weight_loss": ("history.items", "unexplained_weight_loss"),
        "spinal_metastasis_pain_features": ("pain.features", "upper_back"),
    }
    names = [*codes, "saddle_numbness"]
    for bits in itertools.product([False, True], repeat=len(names)):
        chosen = dict(zip(names, bits, strict=True))
        selection = []
        for _, link_id in STEP_ITEMS:
            if link_id == "bladder-bowel.saddle":
                selection.append(chosen["saddle_numbness"])
            else:
                selection.append([code for name, (link, code) in codes.items() if link == link_id and chosen[name]])
        fields = gate.fields_from_response(_response(tuple(selection)))
        expected = dict(chosen)
        if chosen["both_legs_or_worsening_weakness"]:
            expected["leg_weakness"] = True
        assert evaluate_back_pain(fields).disposition == evaluate_back_pain(expected).disposition
