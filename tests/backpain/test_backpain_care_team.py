"""The back-pain program reaches the care team (issue 14, item 6).

Given a patient of a care team in the program, when a check-in's safety questions find a warning
sign, or the check-in's pain score is one the rules mark as high, the team gets an alert on its
queue with the reason in plain words (a banner alone was all there was). Weeks open by the
calendar, tested at frozen times. "Cleared by my doctor": a patient with a care team asks the
team, and a nurse or oncologist records the clearance (who, when, which flags); saying it
yourself stays only for people without a care team, labelled as self-reported wherever it shows.
"""

import datetime as dt
import re

import pytest
import time_machine
from backpain_support import take_gate
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse
from factories import CareTeamFactory, NurseFactory, OncologistFactory, PatientFactory, TeamPatientFactory

from careguide.alerts import rules as alert_rules
from careguide.alerts import services as alert_services
from careguide.alerts.models import Alert, TriageEvent
from careguide.audit.models import AuditEvent
from careguide.backpain import clearance as clearance_service
from careguide.backpain import services
from careguide.backpain.models import CheckIn, Clearance, ClearanceRequest, Enrollment
from careguide.core.models import ImmutableError
from careguide.questionnaires.models import QuestionnaireResponse
from careguide.triage.back_pain import back_pain_rules
from careguide.triage.engine import Result

pytestmark = pytest.mark.django_db

MONDAY_9AM = dt.datetime(2026, 11, 23, 17, 0, tzinfo=dt.UTC)  # 9:00 in California
QUEUE = reverse("alerts:queue")


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(MONDAY_9AM, tick=False) as traveller:
        yield traveller


@pytest.fixture
def team(db):
    team = CareTeamFactory(name="Oncology team A")
    nurse = NurseFactory(username="nia", email="nia@example.org", team=team)
    return type("Team", (), {"team": team, "nurse": nurse})


@pytest.fixture
def patient(team):
    return PatientFactory(email="pat@example.org", first_name="Pat", last_name="Lee", team=team.team)


@pytest.fixture
def loner():
    """A patient without a care team."""
    return PatientFactory(email="lou@example.org", first_name="Lou")


def signed_in(person):
    client = Client()
    client.force_login(person)
    return client


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def text(response):
    return re.sub(r"\s+", " ", soup(response).get_text(" "))


def latest_answer(person=None):
    """The latest gate answers (time is frozen, so the id breaks the tie)."""
    found = QuestionnaireResponse.objects.filter(subject=person) if person else QuestionnaireResponse.objects
    return found.order_by("-created_at", "-pk").first()


def enrolled(client, person):
    """The person passes the gate (no warning sign) and starts the program."""
    take_gate(client)
    return services.start_enrollment(person, latest_answer(person))


def week_later(clock, client, person):
    clock.shift(dt.timedelta(days=7))
    client.force_login(person)  # sessions end after 8 hours


def check_in(client, enrollment, pain, limits=3, **gate_answers):
    location = take_gate(client, purpose="check-in", **gate_answers)
    if location != reverse("backpain:check_in"):
        return location
    return client.post(location, {"enrollment": enrollment.pk, "pain": pain, "limits": limits})["Location"]


# --- a warning sign or high pain reaches the care team -------------------------------------------


@pytest.mark.parametrize(("answers", "kind", "reason"), [
    ({"saddle": True}, "emergency", "Back pain with a warning sign that needs emergency care"),
    ({"unwell": ["unexplained_fever"]}, "same-day", "Back pain with a warning sign that needs a doctor today"),
    ({"legs": ["leg_tingling"]}, "doctor-review", "A new warning sign at a back pain program check-in"),
])
def test_a_warning_sign_at_a_check_in_raises_the_care_teams_alert(
        clock, team, patient, notifier, django_capture_on_commit_callbacks, answers, kind, reason):
    client = signed_in(patient)
    enrollment = enrolled(client, patient)
    week_later(clock, client, patient)
    with django_capture_on_commit_callbacks(execute=True):
        check_in(client, enrollment, pain=2, **answers)
    enrollment.refresh_from_db()
    assert enrollment.status == "stopped"

    alert = Alert.objects.get(patient=patient)
    assert (alert.kind, alert.urgency, alert.event.source) == (kind, alert_rules.URGENCY[kind], "back-pain")
    assert notifier.calls == [(alert.pk, [team.nurse.pk])]  # told after commit, like every alert
    flags = [f["why"] for f in alert.event.findings]
    assert flags and all(f in {x.label for x in back_pain_rules().fields} for f in flags)

    nurse = signed_in(team.nurse)
    queue = text(nurse.get(QUEUE))
    assert reason in queue and "Pat Lee" in queue
    detail = text(nurse.get(reverse("alerts:detail", args=[alert.pk])))
    assert reason in detail and flags[0] in detail
    patient_page = text(nurse.get(reverse("alerts:patient", args=[patient.pk])))
    assert reason in patient_page and "Stopped by a warning sign" in patient_page


def test_an_emergency_at_the_first_safety_check_reaches_the_team_but_see_your_doctor_does_not(team, patient):
    client = signed_in(patient)
    take_gate(client, bladder=["bladder_bowel_control"])
    assert Alert.objects.get(patient=patient).kind == "emergency"
    take_gate(client, legs=["leg_tingling"])  # before starting: the patient asks the team instead
    take_gate(client)
    assert Alert.objects.filter(patient=patient).count() == 1


def test_severe_pain_at_a_check_in_raises_an_alert_and_tells_the_patient(clock, team, patient):
    client = signed_in(patient)
    enrollment = enrolled(client, patient)
    week_later(clock, client, patient)
    page = client.get(check_in(client, enrollment, pain=6))
    assert not Alert.objects.exists()  # 6 out of 10 is not high
    assert "That is severe pain" not in text(page)
    week_later(clock, client, patient)
    threshold = back_pain_rules().check_in_pain.high.at_least
    page = client.get(check_in(client, enrollment, pain=threshold, limits=9))
    alert = Alert.objects.get(patient=patient)
    assert (alert.kind, alert.event.disposition) == ("high-pain", "high_pain")
    assert alert.reason == "Severe back pain this week, from a back pain program check-in"
    assert alert.event.findings[0]["why"] == f"Week 2 check-in: pain {threshold} out of 10, daily activities " \
                                             "limited 9 out of 10."
    assert f"Your back pain was {threshold} out of 10 this week. That is severe pain." in text(page)
    assert "We have told your care team" in text(page)
    enrollment.refresh_from_db()
    assert enrollment.status == "active" and enrollment.current_week == 3  # high pain alone does not stop it


def test_a_patient_without_a_care_team_gets_the_advice_and_no_alert(clock, loner):
    client = signed_in(loner)
    enrollment = enrolled(client, loner)
    week_later(clock, client, loner)
    page = client.get(check_in(client, enrollment, pain=9))
    assert "That is severe pain" in text(page) and "We have told your care team" not in text(page)
    week_later(clock, client, loner)
    check_in(client, enrollment, pain=2, saddle=True)
    assert not Alert.objects.exists() and not TriageEvent.objects.exists()


def test_a_back_pain_alert_does_not_break_the_side_effect_amber_chain(team, patient):
    amber = Result("amber", ["r"], "t", ["Mouth sores."])
    alert_services.record_result(patient, amber, source="check", actor=patient)
    alert_services.record_back_pain(patient, "emergency", Result("emergency", ["bp"], "t", ["Numbness."]))
    alert_services.record_result(patient, amber, source="diary", actor=patient)
    assert list(Alert.objects.filter(patient=patient).order_by("pk").values_list("kind", flat=True)) == [
        "emergency", "amber-not-better"]


# --- weeks open by the calendar ------------------------------------------------------------------


def test_weeks_open_by_the_calendar_not_minutes_after_enrolling(clock, patient):
    client = signed_in(patient)
    enrollment = enrolled(client, patient)
    clock.shift(dt.timedelta(minutes=5))
    page = client.get(reverse("backpain:check_in"))
    assert "Your week 1 check-in opens on Monday, November 30" in text(page)
    refused = client.post(reverse("backpain:check_in"), {"enrollment": enrollment.pk, "pain": 3, "limits": 3})
    assert refused.status_code == 409 and not CheckIn.objects.exists()
    assert client.get(reverse("backpain:week", args=[2])).status_code == 404
    week1 = text(client.get(reverse("backpain:week", args=[1])))
    assert "Your week 1 check-in opens on Monday, November 30" in week1
    assert "Week 2 opens when you have done it" in week1
    assert "Do your week 1 check-in" not in week1

    # Sunday 23:59 in California: still closed. Monday 00:00: open (local dates).
    clock.move_to(dt.datetime(2026, 11, 30, 7, 59, tzinfo=dt.UTC))
    client.force_login(patient)
    assert "opens on Monday, November 30" in text(client.get(reverse("backpain:check_in")))
    clock.move_to(dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC))
    client.force_login(patient)
    assert check_in(client, enrollment, pain=3) == reverse("backpain:week", args=[2])
    # Week 2 is open; its check-in, and week 3, are a week away.
    assert client.get(reverse("backpain:week", args=[2])).status_code == 200
    assert client.get(reverse("backpain:week", args=[3])).status_code == 404
    assert "Your week 2 check-in opens on Monday, December 7" in text(client.get(reverse("backpain:check_in")))
    with pytest.raises(services.CheckInNotOpen):
        services.record_check_in(enrollment, 3, 3, None, by=patient)


def test_days_paused_are_added_to_the_week(clock, patient):
    client = signed_in(patient)
    enrollment = enrolled(client, patient)
    clock.shift(dt.timedelta(days=2))
    services.pause(enrollment, by=patient)
    clock.shift(dt.timedelta(days=3))
    client.force_login(patient)
    assert "Your program is paused. When you resume it, the days it was paused are added" in text(
        client.get(reverse("backpain:entry")))
    services.resume(enrollment, by=patient)
    assert "Your week 1 check-in opens on Thursday, December 3" in text(client.get(reverse("backpain:entry")))
    clock.shift(dt.timedelta(days=2))  # 7 days after starting, but 3 of them paused
    client.force_login(patient)
    assert client.get(reverse("backpain:check_in")).status_code == 200
    assert "opens on Thursday, December 3" in text(client.get(reverse("backpain:check_in")))
    clock.shift(dt.timedelta(days=3))
    client.force_login(patient)
    assert check_in(client, enrollment, pain=3) == reverse("backpain:week", args=[2])


# --- clearance: the care team records it ---------------------------------------------------------


def see_doctor_first(client, person, **answers):
    location = take_gate(client, **(answers or {"legs": ["leg_tingling"]}))
    return location, latest_answer(person)


def test_a_patient_with_a_care_team_asks_the_team_and_a_nurse_records_the_clearance(team, patient):
    client = signed_in(patient)
    location, response = see_doctor_first(client, patient)
    page = soup(client.get(location))
    assert page.select_one("#id_attest") is None  # no self-attestation for a patient with a care team
    ask = page.select_one(f"form[action='{reverse('backpain:ask_team', args=[response.fhir_id])}'] button")
    assert ask.get_text(strip=True) == "Ask my care team to clear me"
    # Saying it yourself is refused, even when posted by hand.
    refused = client.post(reverse("backpain:cleared", args=[response.fhir_id]), {"attest": "yes"})
    assert refused.status_code == 403 and not Clearance.objects.exists()

    assert client.post(reverse("backpain:ask_team", args=[response.fhir_id])).status_code == 302
    client.post(reverse("backpain:ask_team", args=[response.fhir_id]))  # asking twice is one request
    request = ClearanceRequest.objects.get()
    assert (request.patient, request.flags, request.status) == (patient, ["leg_tingling"], "open")
    assert "You asked your care team on November 23, 2026" in text(client.get(location))
    assert client.post(reverse("backpain:start"), {"response": str(response.fhir_id)}).status_code == 403

    nurse = signed_in(team.nurse)
    queue = soup(nurse.get(QUEUE))
    link = queue.find("a", href=reverse("backpain:team_request", args=[request.pk]))
    assert link is not None and "Pat Lee" in queue.get_text()
    page = nurse.get(link["href"])
    assert back_pain_rules().label("leg_tingling") in text(page)
    assert AuditEvent.objects.filter(actor=team.nurse, action="read", patient=patient,
                                     object_type="backpain.clearancerequest").exists()
    missing = nurse.post(link["href"], {"answer": "clear"})
    assert missing.status_code == 400
    assert "Tick the box to confirm that you have checked these problems" in text(missing)
    assert soup(missing).select_one(".error-summary a[href='#id_confirm']") is not None
    done = nurse.post(link["href"], {"answer": "clear", "confirm": "on", "note": "Seen in clinic: fine."})
    assert done.status_code == 302

    clearance = Clearance.objects.get()
    assert (clearance.source, clearance.cleared_by, clearance.flags, clearance.request) == (
        "care_team", team.nurse, ["leg_tingling"], request)
    assert clearance.cleared_by_label == "Nia Nurse, nurse"
    assert AuditEvent.objects.filter(actor=team.nurse, action="create", object_type="backpain.clearance").exists()
    with pytest.raises(ImmutableError):
        clearance.save()
    with pytest.raises(ImmutableError):
        clearance.delete()

    page = text(client.get(location))
    assert "Cleared by your care team: Nia Nurse, nurse cleared you for the program on November 23, 2026" in page
    assert "Self-reported" not in page
    assert client.post(reverse("backpain:start"), {"response": str(response.fhir_id)}).status_code == 302
    assert Enrollment.objects.get(user=patient).is_active
    team_page = text(nurse.get(reverse("alerts:patient", args=[patient.pk])))
    assert "Nia Nurse, nurse" in team_page and back_pain_rules().label("leg_tingling") in team_page
    # The answer is given once: the page now shows it, and a second clinician acting on the page
    # they had open is told who answered first.
    again = nurse.post(link["href"], {"answer": "decline", "note": "No."})
    assert "Cleared by Nia Nurse, nurse" in text(again) and ClearanceRequest.objects.get().status == "cleared"
    colleague = OncologistFactory(username="sam", first_name="", last_name="", team=team.team)
    with pytest.raises(clearance_service.AnswerError, match="Nia Nurse, nurse already answered"):
        clearance_service.decline(request, colleague, note="Not yet.")


def test_not_cleared_needs_a_note_the_patient_reads_and_they_can_ask_again(team, patient):
    client = signed_in(patient)
    location, response = see_doctor_first(client, patient)
    client.post(reverse("backpain:ask_team", args=[response.fhir_id]))
    request = ClearanceRequest.objects.get()
    nurse = signed_in(team.nurse)
    url = reverse("backpain:team_request", args=[request.pk])
    no_note = nurse.post(url, {"answer": "decline"})
    assert no_note.status_code == 400
    assert "Write a note to the patient saying why, and what they should do next" in text(no_note)
    nurse.post(url, {"answer": "decline", "note": "Please book a visit so we can check your leg first."})
    page = text(client.get(location))
    assert "did not clear you for the program yet" in page
    assert "Please book a visit so we can check your leg first." in page
    assert "Ask my care team to clear me" in page
    client.post(reverse("backpain:ask_team", args=[response.fhir_id]))
    assert ClearanceRequest.objects.filter(status="open").count() == 1
    assert not Clearance.objects.exists()


def test_only_a_clinician_of_the_patients_team_can_answer(team, patient):
    client = signed_in(patient)
    _, response = see_doctor_first(client, patient)
    client.post(reverse("backpain:ask_team", args=[response.fhir_id]))
    url = reverse("backpain:team_request", args=[ClearanceRequest.objects.get().pk])
    stranger = OncologistFactory(username="olu", first_name="", last_name="", team=CareTeamFactory(name="Team B"))
    assert signed_in(stranger).get(url).status_code == 404
    assert signed_in(stranger).post(url, {"answer": "clear", "confirm": "on"}).status_code == 404
    assert client.get(url).status_code == 403  # the patient is not their own care team
    assert not Clearance.objects.exists()


def test_a_care_team_clearance_never_covers_urgent_or_emergency(clock, team, patient):
    client = signed_in(patient)
    _, response = see_doctor_first(client, patient, legs=["leg_tingling"], history=["cancer_history"])
    assert response.outcome == "emergency"
    _, response = see_doctor_first(client, patient, legs=["leg_tingling"])
    client.post(reverse("backpain:ask_team", args=[response.fhir_id]))
    signed_in(team.nurse).post(reverse("backpain:team_request", args=[ClearanceRequest.objects.get().pk]),
                               {"answer": "clear", "confirm": "on"})
    # Covered: the same flag again passes.
    take_gate(client, legs=["leg_tingling"])
    assert latest_answer().outcome == "proceed"
    # Not covered: the same flag with cancer history is an emergency, whatever the clearance says.
    take_gate(client, legs=["leg_tingling"], history=["cancer_history"])
    assert latest_answer().outcome == "emergency"


# --- clearance: self-reported, only without a care team ------------------------------------------


def test_without_a_care_team_the_clearance_is_self_reported_and_labelled_so(team, loner):
    client = signed_in(loner)
    location, response = see_doctor_first(client, loner)
    page = text(client.get(location))
    assert "Ask my care team" not in page and "This is self-reported" in page
    assert client.post(reverse("backpain:ask_team", args=[response.fhir_id])).status_code == 403
    client.post(reverse("backpain:cleared", args=[response.fhir_id]), {"attest": "yes"})
    clearance = Clearance.objects.get()
    assert (clearance.source, clearance.cleared_by) == ("self_reported", None)
    assert "Self-reported: you told us on November 23, 2026" in text(client.get(location))
    proceed_location = take_gate(client, legs=["leg_tingling"])
    assert "Self-reported" in text(client.get(proceed_location))

    # Joining a care team later: the self-reported clearance no longer counts; the team decides.
    TeamPatientFactory(team=team.team, patient=loner)
    take_gate(client, legs=["leg_tingling"])
    assert latest_answer().outcome == "see_doctor_first"
    assert "Self-reported by the patient" in text(signed_in(team.nurse).get(reverse("alerts:patient",
                                                                                    args=[loner.pk])))
