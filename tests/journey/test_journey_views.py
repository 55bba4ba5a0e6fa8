"""The treatment plan pages: a nurse applies and adjusts a plan (every change audited, bad dates
named), the patient's timeline with "you are here" and the current phase's side effects, the
calendar file, and privacy between patients and teams."""

import datetime as dt

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.urls import reverse
from factories import CareTeamFactory, NurseFactory, PatientFactory
from icalendar import Calendar

from careguide.audit.models import AuditEvent
from careguide.journey import catalog, services
from careguide.journey.models import PlanPhase, PlanStatus, TreatmentPlan

pytestmark = pytest.mark.django_db

START = dt.date(2026, 3, 2)  # a Monday


@pytest.fixture
def nurse(db):
    return NurseFactory(username="nurse.nia", first_name="", last_name="", team=CareTeamFactory(name="Oncology team A"))


@pytest.fixture
def patient(nurse):
    return PatientFactory(email="pat@example.org", first_name="Pat", last_name="Lee", team=nurse.team)


@pytest.fixture
def other_nurse(db):
    return NurseFactory(username="nurse.olu", first_name="", last_name="", team=CareTeamFactory(name="Oncology team B"))


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def signed_in(client, user):
    client.force_login(user)
    return client


def radiation_plan(patient, nurse, start=START, weeks=5):
    return services.apply_template(nurse, patient, catalog.get("radiation-course"), start, {"weeks": weeks})


def error_summary(page):
    return [a.get_text(strip=True) for a in page.select(".error-summary a")]


# --- applying and adjusting -------------------------------------------------------------------

def test_a_nurse_applies_a_template_with_its_own_settings(client, nurse, patient):
    signed_in(client, nurse)
    url = reverse("journey:apply", kwargs={"patient_id": patient.pk})
    choose = soup(client.get(url))
    assert len(choose.select("input[name=template]")) == 5
    form = soup(client.get(url, {"template": "chemotherapy-cycles"}))
    names = {i["name"] for i in form.select("form[method=post] input, form[method=post] select") if i.get("name")}
    assert names == {"csrfmiddlewaretoken", "template", "start_date", "timing", "every_days", "cycles", "gap_weeks"}

    response = client.post(url, {"template": "chemotherapy-cycles", "start_date": "2026-03-02", "timing": "both",
                                 "every_days": "21", "cycles": "3", "gap_weeks": "4"})
    assert response.status_code == 302 and response.url == f"/treatment-plan/patients/{patient.pk}/"
    plan = TreatmentPlan.objects.get(patient=patient)
    assert (plan.template_id, plan.template_version, plan.status) == ("chemotherapy-cycles", 1, "active")
    assert plan.parameters == {"timing": "both", "every_days": 21, "cycles": 3, "gap_weeks": 4}
    assert [p.key for p in plan.phases.all()] == ["chemo-before-surgery", "surgery-and-healing", "chemo-after-surgery"]
    assert plan.phases.first().sessions == ["2026-03-02", "2026-03-23", "2026-04-13"]
    assert AuditEvent.objects.filter(actor=nurse, action="create", object_type="journey.treatmentplan",
                                     patient=patient).count() == 1
    assert PlanStatus.objects.filter(plan=plan, status="active", by=nurse).exists()


def test_a_bad_start_date_or_setting_is_named_and_nothing_is_saved(client, nurse, patient):
    signed_in(client, nurse)
    response = client.post(reverse("journey:apply", kwargs={"patient_id": patient.pk}),
                           {"template": "radiation-course", "start_date": "2026-02-31", "weeks": "12"})
    assert response.status_code == 400
    assert error_summary(soup(response)) == [
        "Enter the start date as a real date, for example 2026-03-02.",
        "Number of weeks of treatment: enter a number from 1 to 8.",
    ]
    assert not TreatmentPlan.objects.exists()


def test_an_unknown_template_asks_again(client, nurse, patient):
    signed_in(client, nurse)
    response = client.get(reverse("journey:apply", kwargs={"patient_id": patient.pk}), {"template": "nonsense"})
    assert response.status_code == 400
    assert error_summary(soup(response)) == ["Choose a plan template."]


def test_a_nurse_moves_a_phase_and_leaves_a_note(client, nurse, patient):
    plan = radiation_plan(patient, nurse)
    phase = plan.phases.get(key="radiation")
    signed_in(client, nurse)
    url = reverse("journey:edit_phase", kwargs={"plan_id": plan.pk, "phase_id": phase.pk})
    assert client.get(url).status_code == 200
    response = client.post(url, {"start_date": "2026-03-09", "end_date": "2026-04-10",
                                 "note": "Come 15 minutes early."})
    assert response.status_code == 302
    phase.refresh_from_db()
    assert (phase.start_date, phase.end_date, phase.note) == (dt.date(2026, 3, 9), dt.date(2026, 4, 10),
                                                             "Come 15 minutes early.")
    assert len(phase.sessions) == 25 and phase.sessions[0] == "2026-03-09"
    event = AuditEvent.objects.get(actor=nurse, action="update", object_type="journey.planphase")
    assert event.patient == patient and "early" not in event.detail


def test_an_end_before_the_start_is_named(client, nurse, patient):
    plan = radiation_plan(patient, nurse)
    phase = plan.phases.first()
    signed_in(client, nurse)
    response = client.post(reverse("journey:edit_phase", kwargs={"plan_id": plan.pk, "phase_id": phase.pk}),
                           {"start_date": "2026-04-10", "end_date": "2026-04-01", "note": ""})
    assert response.status_code == 400
    page = soup(response)
    assert error_summary(page) == ["The end date must be the same as or after the start date."]
    assert page.select_one(".error-summary a")["href"] == "#id_end_date"
    phase.refresh_from_db()
    assert phase.start_date == START


def test_a_nurse_removes_and_adds_phases_and_ends_the_plan(client, nurse, patient):
    plan = radiation_plan(patient, nurse)
    recovery = plan.phases.get(key="radiation-recovery")
    signed_in(client, nurse)
    assert client.post(reverse("journey:remove_phase", args=[plan.pk, recovery.pk])).status_code == 302
    assert not PlanPhase.objects.filter(pk=recovery.pk).exists()

    # The last phase cannot go: a plan without phases is ended instead.
    last = plan.phases.get()
    response = client.post(reverse("journey:remove_phase", kwargs={"plan_id": plan.pk, "phase_id": last.pk}))
    assert response.status_code == 400 and "End the plan instead" in response.content.decode()

    response = client.post(reverse("journey:add_phase", kwargs={"plan_id": plan.pk}), {
        "title": "Check-up visit", "purpose": "We see how you are doing.", "start_date": "2026-05-04",
        "end_date": "2026-05-04", "note": ""})
    assert response.status_code == 302
    assert plan.phases.filter(title="Check-up visit", key="").exists()

    response = client.post(reverse("journey:end_plan", kwargs={"plan_id": plan.pk}), {"status": "completed"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == "completed"
    assert [s.status for s in plan.history.all()] == ["active", "completed"]
    # An ended plan is not changed any more.
    response = client.post(reverse("journey:add_phase", kwargs={"plan_id": plan.pk}), {
        "title": "Late", "purpose": "Late.", "start_date": "2026-06-01", "end_date": "2026-06-01"})
    assert response.status_code == 302 and not plan.phases.filter(title="Late").exists()
    actions = list(AuditEvent.objects.filter(actor=nurse, patient=patient).values_list("object_type", "action"))
    assert ("journey.planphase", "delete") in actions
    assert ("journey.planphase", "create") in actions
    assert ("journey.treatmentplan", "update") in actions


def test_end_plan_needs_a_choice(client, nurse, patient):
    plan = radiation_plan(patient, nurse)
    signed_in(client, nurse)
    response = client.post(reverse("journey:end_plan", kwargs={"plan_id": plan.pk}), {})
    assert response.status_code == 400
    assert error_summary(soup(response)) == ["Choose whether the plan is completed or stopped."]


# --- the patient's timeline ------------------------------------------------------------------

def test_no_plan_yet_says_so_calmly(client, patient):
    page = soup(signed_in(client, patient).get(reverse("journey:timeline")))
    assert "Your care team will add your plan after your first visit" in page.get_text()
    assert not page.select("ol.timeline")


@time_machine.travel(dt.datetime(2026, 3, 11, 15, 0, tzinfo=dt.UTC), tick=False)
def test_the_timeline_marks_where_you_are_and_what_to_watch_for(client, nurse, patient):
    radiation_plan(patient, nurse)
    response = signed_in(client, patient).get(reverse("journey:timeline"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    page = soup(response)
    items = page.select("ol.timeline > li")
    assert [i.h3.get_text(strip=True) for i in items] == ["Radiation treatment", "Getting better after radiation"]
    current = page.select('li[aria-current="step"]')
    assert len(current) == 1 and current[0] is items[0]
    assert "You are here" in current[0].get_text()
    assert "Coming up" in items[1].get_text()
    assert "Monday, March 2, 2026" in current[0].get_text()
    assert "Today is treatment day 8 of 25" in " ".join(current[0].get_text().split())
    watch = current[0].select_one(".timeline__watch")
    links = {a.get_text(strip=True): a["href"] for a in watch.select("a")}
    assert links["Skin changes (such as redness)"] == "/side-effects/skin-changes/"
    assert links["Fatigue"] == "/side-effects/fatigue/"
    assert "/side-effect-check/" in links.values()
    assert not items[1].select(".timeline__watch")  # only the current phase's side effects
    assert current[0].select_one('a[href="/treatments/radiation-therapy/#what-to-expect"]')


@time_machine.travel(dt.datetime(2026, 6, 1, 15, 0, tzinfo=dt.UTC), tick=False)
def test_several_plans_show_together_and_past_phases_are_done(client, nurse, patient):
    radiation_plan(patient, nurse)
    services.apply_template(nurse, patient, catalog.get("chemotherapy-cycles"), dt.date(2026, 5, 25), {})
    page = soup(signed_in(client, patient).get(reverse("journey:timeline")))
    assert [h.get_text(strip=True) for h in page.select("section.journey-plan h2")] == [
        "Radiation therapy", "Chemotherapy in cycles"]
    assert [li.select_one(".timeline__status").get_text(strip=True) for li in page.select("ol.timeline > li")] == [
        "Done", "Done", "You are here"]


def test_the_calendar_file_has_a_day_per_treatment_and_stable_uids(client, nurse, patient):
    plan = radiation_plan(patient, nurse, weeks=2)
    signed_in(client, patient)
    first = client.get(reverse("journey:calendar"))
    assert first["Content-Type"].startswith("text/calendar")
    events = [c for c in Calendar.from_ical(first.content).walk("VEVENT")]
    assert len(events) == 10 + 1
    days = [e for e in events if "treatment day" in str(e["SUMMARY"])]
    assert [e.decoded("DTSTART") for e in days][:3] == [dt.date(2026, 3, 2), dt.date(2026, 3, 3), dt.date(2026, 3, 4)]
    assert all(e.decoded("DTSTART").weekday() < 5 for e in days)
    recovery = next(e for e in events if str(e["SUMMARY"]) == "Getting better after radiation")
    assert recovery.decoded("DTSTART") == dt.date(2026, 3, 14)
    assert recovery.decoded("DTEND") == dt.date(2026, 4, 11)  # exclusive: the phase ends April 10
    # The plan's title (it can name the illness) stays out of the calendar.
    assert plan.title.encode() not in first.content
    second = client.get(reverse("journey:calendar"))
    assert sorted(str(e["UID"]) for e in Calendar.from_ical(second.content).walk("VEVENT")) == sorted(
        str(e["UID"]) for e in events)


# --- who sees what -----------------------------------------------------------------------------

def test_the_nurse_reads_the_patients_timeline_and_it_is_audited(client, nurse, patient):
    radiation_plan(patient, nurse)
    response = signed_in(client, nurse).get(reverse("journey:patient", kwargs={"patient_id": patient.pk}))
    assert response.status_code == 200
    assert "Radiation treatment" in response.content.decode()
    assert f'href="/care-team/patients/{patient.pk}/"' in response.content.decode(), "the patient's page"
    assert AuditEvent.objects.filter(actor=nurse, action="read", patient=patient).exists()


def test_another_teams_nurse_gets_404_everywhere(client, nurse, patient, other_nurse):
    plan = radiation_plan(patient, nurse)
    phase = plan.phases.first()
    signed_in(client, other_nurse)
    for url in (reverse("journey:patient", args=[patient.pk]), reverse("journey:apply", args=[patient.pk]),
                reverse("journey:end_plan", args=[plan.pk]), reverse("journey:add_phase", args=[plan.pk]),
                reverse("journey:edit_phase", kwargs={"plan_id": plan.pk, "phase_id": phase.pk}),
                reverse("journey:remove_phase", kwargs={"plan_id": plan.pk, "phase_id": phase.pk})):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("journey:end_plan", args=[plan.pk]), {"status": "stopped"}).status_code == 404
    plan.refresh_from_db()
    assert plan.status == "active"


def test_a_patient_cannot_change_plans_and_sees_only_their_own(client, nurse, patient):
    plan = radiation_plan(patient, nurse)
    other = PatientFactory(email="other@example.org", first_name="")
    services.apply_template(nurse, other, catalog.get("stem-cell-transplant"), START, {})
    signed_in(client, patient)
    assert client.get(reverse("journey:patient", kwargs={"patient_id": patient.pk})).status_code == 403
    assert client.post(reverse("journey:end_plan", args=[plan.pk]), {"status": "stopped"}).status_code == 403
    page = client.get(reverse("journey:timeline")).content.decode()
    assert "Radiation treatment" in page and "Transplant day" not in page
    ics = client.get(reverse("journey:calendar")).content.decode()
    assert "Transplant day" not in ics


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("journey:timeline"))
    assert response.status_code == 302 and response.url.startswith("/account/sign-in/")
