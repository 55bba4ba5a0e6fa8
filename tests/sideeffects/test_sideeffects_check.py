"""The side-effect check as a person answers it (no JavaScript: one step per POST), the result
page, stored checks and who may read them."""

import pytest
from django.test import Client
from django.urls import reverse
from factories import CareTeamFactory, NurseFactory, PatientFactory, TeamPatientFactory
from sideeffects_support import CHECK, answers, main_text, post_step, take_check, text

from careguide.alerts.models import TriageEvent
from careguide.audit.models import AuditEvent
from careguide.questionnaires.models import QuestionnaireResponse
from careguide.sideeffects.models import SideEffectCheck, Treatment, TreatmentProfile

pytestmark = pytest.mark.django_db

ON_TREATMENT = {"context.on_sact": "yes"}
ANSWER_SETS = {
    "green": ({}, "You can look after yourself at home"),
    "amber": ({"nausea": "less"}, "Contact your care team within 24 hours"),
    "red": ({**ON_TREATMENT, "temperature.value": "38.2", "temperature.value__unit": "Cel"},
            "Call the 24-hour cancer care line now"),
    "emergency": ({"chest_pain": "true"}, "Call 911 now"),
}


@pytest.fixture
def patient(db):
    return PatientFactory(email="pat@example.org")



@pytest.mark.parametrize("disposition", list(ANSWER_SETS))
def test_each_answer_set_ends_on_its_result_with_the_right_first_line(client, disposition):
    changes, heading = ANSWER_SETS[disposition]
    location = take_check(client, answers(**changes))["Location"]
    page = client.get(location)
    assert page.status_code == 200
    assert main_text(page).startswith(heading)
    assert f'<h1 id="guidance-title">{heading}</h1>' in page.content.decode()
    assert QuestionnaireResponse.objects.get().outcome == disposition
    assert page["Cache-Control"].count("no-store") == 1


def test_emergency_says_call_911_before_anything_else(client):
    page = client.get(take_check(client, answers(chest_pain="true", breathlessness="struggling"))["Location"])
    first = main_text(page)[:120]
    assert first.startswith("Call 911 now Call 911 now, or go to the nearest emergency department.")
    assert 'href="tel:911"' in page.content.decode()
    assert "Chest pain: yes." in text(page)
    assert "Your breathing: struggling to breathe." in text(page)


def test_phone_numbers_come_from_the_organization_settings(client):
    from wagtail.models import Site

    from careguide.core.models import OrganizationSettings

    org = OrganizationSettings.for_site(Site.objects.get(is_default_site=True))
    org.care_team_phone, org.advice_line_phone, org.emergency_number = "510-555-0111", "510-555-0122", "999"
    org.save()
    red = client.get(take_check(client, answers(**ANSWER_SETS["red"][0]))["Location"])
    assert "510-555-0111" in text(red) and 'href="tel:5105550111"' in red.content.decode()
    assert "510-555-0122" in text(red)
    emergency = client.get(take_check(client, answers(chest_pain="true"))["Location"])
    assert main_text(emergency).startswith("Call 999 now")


def test_why_lists_each_answer_and_self_care_links_to_the_library(client):
    steps = answers(**{"nausea": "less", "mouth": "painless", "temperature.value": "99.0"})
    page = client.get(take_check(client, steps)["Location"])
    content = text(page)
    assert "Why we say this" in content
    assert "Nausea: eating and drinking much less." in content
    assert "Your temperature: 37.2 °C (99.0 °F)." in content
    body = page.content.decode()
    assert '<a href="/side-effects/nausea-and-vomiting/">More about nausea and vomiting</a>' in body
    assert '<a href="/side-effects/mouth-sores/">' in body
    assert client.get("/side-effects/nausea-and-vomiting/").status_code == 200
    # A normal temperature is listed under "why" but brings no fever tips.
    assert "/side-effects/fever-and-infection/" not in body


def test_fahrenheit_is_converted_before_the_rules_see_it(patient_client, patient):
    steps = answers(**{**ON_TREATMENT, "temperature.value": "100.4", "temperature.value__unit": "[degF]"})
    page = patient_client.get(take_check(patient_client, steps)["Location"])
    assert main_text(page).startswith("Call the 24-hour cancer care line now")
    assert "Your temperature: 38.0 °C (100.4 °F)." in text(page)
    check = SideEffectCheck.objects.get()
    assert check.contract_input["symptoms"]["temperature_c"] == 38.0
    assert check.contract_input["context"]["on_sact"] is True


@pytest.mark.parametrize(("value", "unit", "message"), [
    ("150", "[degF]", "“What is your temperature?” must be between 86 and 113 °F (30 and 45 °C)."),
    ("20", "Cel", "“What is your temperature?” must be between 86 and 113 °F (30 and 45 °C)."),
    ("98.6", "Cel", "“What is your temperature?”: 98.6 looks like °F."),
    ("hot", "Cel", "“What is your temperature?” must be a number"),
])
def test_an_impossible_temperature_is_an_error_on_the_question(client, value, unit, message):
    steps = answers()
    take_check(client, steps[:2])
    data = {**steps[2], "temperature.value": value, "temperature.value__unit": unit}
    page = post_step(client, 2, data)
    assert page.status_code == 200
    assert "There is a problem" in text(page)
    assert message in text(page)
    assert 'href="#q-temperature-value"' in page.content.decode()
    assert not QuestionnaireResponse.objects.exists()
    # Fixed, the check goes on.
    assert post_step(client, 2, steps[2]).status_code == 303


def test_a_negative_count_is_an_error_naming_the_question(client):
    steps = answers()
    take_check(client, steps[:3])
    page = post_step(client, 3, {**steps[3], "vomiting": "-2"})
    assert page.status_code == 200
    assert "“How many times have you thrown up (vomited) in the last 24 hours?” must be 0 or more" in text(page)


def test_a_blank_emergency_question_is_an_error(client):
    page = client.get(CHECK + "?restart=1")
    assert "Do you have chest pain" in text(page)
    steps = answers()
    data = {k: v for k, v in steps[0].items() if k != "chest_pain"}
    page = post_step(client, 0, data)
    assert page.status_code == 200
    assert "Select an answer for “Do you have chest pain, or pressure or tightness in your chest?”" in text(page)


def test_temperature_not_checked_asks_them_to_check_it(client):
    steps = answers(**{"temperature.checked": "no"})
    del steps[2]["temperature.value"], steps[2]["temperature.value__unit"]
    page = client.get(take_check(client, steps)["Location"])
    assert "Check your temperature now if you can." in text(page)


def test_something_else_is_recorded_and_answered(client):
    page = client.get(take_check(client, answers(other="My ankles are swollen"))["Location"])
    assert "You also told us: “My ankles are swollen”" in text(page)
    assert "If you are worried about it, call your care team: 510-555-0100" in text(page)
    stored = QuestionnaireResponse.objects.get().resource
    assert "My ankles are swollen" in str(stored)


def test_diarrhoea_follow_ups_appear_and_count(patient_client):
    steps = answers(**{"diarrhoea.extra": "3", "context.ici": "yes"})
    take_check(patient_client, steps[:3])
    page = post_step(patient_client, 3, steps[3])  # the follow-ups appear: not answered yet
    assert page.status_code == 200
    assert "With your diarrhea, do you have any of these?" in text(page)
    steps[3].update({"diarrhoea.signs": ["cramps"], "diarrhoea.medicine": "still"})
    for index in range(3, len(steps)):
        assert post_step(patient_client, index, steps[index]).status_code == 303
    check = SideEffectCheck.objects.get()
    assert check.contract_input["context"]["antidiarrhoeal_failed"] is True
    assert check.contract_input["symptoms"]["diarrhoea_night_or_cramping"] is True
    assert check.disposition == "red"


# --- Anonymous and signed-in checks -----------------------------------------------------------


def test_an_anonymous_result_says_the_care_team_has_not_been_told(client):
    page = client.get(take_check(client, answers(**ANSWER_SETS["red"][0]))["Location"])
    assert "Your care team has not been told" in text(page)
    assert not SideEffectCheck.objects.exists()
    assert not TriageEvent.objects.exists()
    assert Client().get(reverse("sideeffects:anonymous_result"))["Location"] == CHECK


def test_a_signed_in_check_is_stored_audited_and_sent_to_the_alerts(patient_client, patient):
    location = take_check(patient_client, answers(**ANSWER_SETS["red"][0]))["Location"]
    check = SideEffectCheck.objects.get()
    assert location == f"/side-effect-check/results/{check.pk}/"
    assert check.patient == patient and check.disposition == "red" and check.reasons
    assert check.response.outcome == "red" and check.response.subject == patient
    assert check.rule_set_version
    assert check.contract_input["symptoms"]["temperature_c"] == 38.2
    assert AuditEvent.objects.filter(action="create", object_type="sideeffects.sideeffectcheck",
                                     object_id=str(check.pk), patient=patient).exists()
    event = TriageEvent.objects.get(patient=patient)
    assert event.disposition == "red" and event.source == "check" and event.source_url == location
    page = patient_client.get(location)
    assert "Your check is saved" in text(page)
    history = patient_client.get(reverse("sideeffects:history"))
    assert f'href="{location}"' in history.content.decode()
    assert "Call the 24-hour cancer care line now" in text(history)


def test_the_context_is_prefilled_from_the_profile_and_can_be_changed(patient_client, patient):
    profile = TreatmentProfile.objects.create(patient=patient, cancer_type="other_solid")
    Treatment.objects.create(profile=profile, kind="immunotherapy", start_date="2020-01-01", ongoing=True)
    steps = answers()
    take_check(patient_client, steps[:1])
    page = patient_client.get(CHECK)
    content = page.content.decode()
    assert "We filled in these answers from" in text(page)
    assert 'name="context.ici" value="yes" checked' in content
    assert 'name="context.on_sact" value="yes" checked' in content
    assert 'name="context.immunosuppressed" value="no" checked' in content
    # Posting the step as shown keeps the profile's answers; changing one is allowed.
    data = {"context.on_sact": "yes", "context.immunosuppressed": "yes", "context.ici": "yes"}
    assert post_step(patient_client, 1, data).status_code == 303
    for index in range(2, len(steps)):
        assert post_step(patient_client, index, steps[index]).status_code == 303
    assert SideEffectCheck.objects.get().contract_input["context"] == {
        "on_sact": True, "immunosuppressed": True, "ici": True}


def test_an_anonymous_visitor_is_asked_about_treatment(client):
    take_check(client, answers()[:1])
    page = client.get(CHECK)
    assert "In the last 8 weeks, have you had chemotherapy" in text(page)
    assert "checked" not in page.content.decode().split("context.on_sact")[1][:80]


# --- Who may read a check ----------------------------------------------------------------------


@pytest.fixture
def stored_check(patient_client, patient):
    take_check(patient_client, answers(nausea="less"))
    return SideEffectCheck.objects.get(patient=patient)


def test_another_patient_gets_404(stored_check):
    other = Client()
    other.force_login(PatientFactory(email="other@example.org"))
    assert other.get(reverse("sideeffects:result", kwargs={"pk": stored_check.pk})).status_code == 404
    assert stored_check.pk not in [c.pk for c in other.get(reverse("sideeffects:history")).context["rows"]]


def test_signed_out_visitors_are_sent_to_sign_in(stored_check):
    from django.conf import settings
    from django.shortcuts import resolve_url

    for url in (reverse("sideeffects:result", kwargs={"pk": stored_check.pk}), reverse("sideeffects:history")):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


def test_the_care_team_reads_it_and_the_read_is_audited(stored_check, patient):
    team = CareTeamFactory(name="Team S")
    nurse = NurseFactory(username="nurse-s", team=team)
    outsider = NurseFactory(username="nurse-t", team=CareTeamFactory(name="Team T"))
    TeamPatientFactory(team=team, patient=patient)
    client = Client()
    client.force_login(nurse)
    page = client.get(reverse("sideeffects:result", kwargs={"pk": stored_check.pk}))
    assert page.status_code == 200
    assert "Contact your care team within 24 hours" in text(page)
    assert AuditEvent.objects.filter(actor=nurse, action="read", patient=patient,
                                     object_type="sideeffects.sideeffectcheck").count() == 1
    client.force_login(outsider)
    assert client.get(reverse("sideeffects:result", kwargs={"pk": stored_check.pk})).status_code == 404
