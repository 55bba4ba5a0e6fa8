"""CarePlan over FHIR: a plan as a valid CarePlan (one activity per phase, statuses from today's
date, the template it came from), read and search for the patient and their team (audited),
404 / empty Bundle for anyone else, and no create."""

import datetime as dt
import json

import pytest
import time_machine
from factories import CareTeamFactory, NurseFactory, PatientFactory

from careguide.audit.models import AuditEvent
from careguide.fhir.validation import validate
from careguide.journey import catalog, services
from careguide.questionnaires.services import USER_IDENTIFIER_SYSTEM

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    team, other_team = CareTeamFactory(name="A"), CareTeamFactory(name="B")
    nurse = NurseFactory(username="nurse.nia", first_name="", last_name="", team=team)
    other_nurse = NurseFactory(username="nurse.olu", first_name="", last_name="", team=other_team)
    patient = PatientFactory(email="pat@x.org", first_name="", team=team)
    other = PatientFactory(email="oz@x.org", first_name="", team=other_team)
    return type("People", (), {"nurse": nurse, "other_nurse": other_nurse, "patient": patient, "other": other})


def plan_for(people):
    return services.apply_template(people.nurse, people.patient, catalog.get("radiation-course"),
                                   dt.date(2026, 3, 2), {"weeks": 5})


def get(client, user, url):
    client.force_login(user)
    response = client.get(url)
    return response, json.loads(response.content)


@time_machine.travel(dt.datetime(2026, 3, 11, 15, 0, tzinfo=dt.UTC), tick=False)
def test_the_patient_reads_their_plan_as_a_valid_care_plan(client, people):
    plan = plan_for(people)
    response, body = get(client, people.patient, f"/fhir/CarePlan/{plan.fhir_id}")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/fhir+json")
    validate(body, "CarePlan")
    assert (body["status"], body["intent"], body["title"]) == ("active", "plan", "Radiation therapy")
    assert body["subject"] == {"identifier": {"system": USER_IDENTIFIER_SYSTEM, "value": str(people.patient.pk)}}
    assert body["instantiatesCanonical"] == ["urn:careguide:plan-template:radiation-course|1"]
    assert body["period"] == {"start": "2026-03-02", "end": "2026-05-01"}
    details = [a["detail"] for a in body["activity"]]
    assert [d["status"] for d in details] == ["in-progress", "not-started"]
    assert details[0]["scheduledPeriod"] == {"start": "2026-03-02", "end": "2026-04-03"}
    assert details[0]["description"].startswith("Radiation treatment.")


@time_machine.travel(dt.datetime(2026, 4, 20, 15, 0, tzinfo=dt.UTC), tick=False)
def test_a_stopped_plan_is_revoked_and_its_unfinished_phases_stopped(client, people):
    plan = plan_for(people)
    services.end_plan(people.nurse, plan, "stopped")
    _, body = get(client, people.patient, f"/fhir/CarePlan/{plan.fhir_id}")
    assert body["status"] == "revoked"
    assert [a["detail"]["status"] for a in body["activity"]] == ["completed", "stopped"]


def test_the_team_searches_by_subject_and_each_read_is_audited(client, people):
    plan = plan_for(people)
    url = f"/fhir/CarePlan?subject:identifier={USER_IDENTIFIER_SYSTEM}|{people.patient.pk}"
    response, body = get(client, people.nurse, url)
    assert body["resourceType"] == "Bundle" and body["type"] == "searchset" and body["total"] == 1
    assert body["entry"][0]["resource"]["id"] == str(plan.fhir_id)
    assert body["entry"][0]["fullUrl"].endswith(f"/fhir/CarePlan/{plan.fhir_id}")
    assert AuditEvent.objects.filter(actor=people.nurse, action="read", patient=people.patient,
                                     object_type="journey.treatmentplan").count() == 1
    _, body = get(client, people.nurse, url + "&status=completed")
    assert body["total"] == 0


def test_others_get_404_and_an_empty_search(client, people):
    plan = plan_for(people)
    for outsider in (people.other_nurse, people.other):
        response, body = get(client, outsider, f"/fhir/CarePlan/{plan.fhir_id}")
        assert response.status_code == 404 and body["resourceType"] == "OperationOutcome"
        _, body = get(client, outsider, f"/fhir/CarePlan?subject:identifier={people.patient.pk}")
        assert body["total"] == 0 and not body.get("entry")
    client.logout()
    assert client.get(f"/fhir/CarePlan/{plan.fhir_id}").status_code == 401
    response, body = get(client, people.patient, "/fhir/CarePlan/not-a-uuid")
    assert response.status_code == 404 and body["resourceType"] == "OperationOutcome"


def test_care_plans_are_not_created_over_fhir(client, people):
    client.force_login(people.nurse)
    response = client.post("/fhir/CarePlan", data="{}", content_type="application/fhir+json")
    assert response.status_code == 405
    assert json.loads(response.content)["resourceType"] == "OperationOutcome"


def test_the_capability_statement_lists_care_plan(client):
    body = json.loads(client.get("/fhir/metadata").content)
    types = {r["type"]: r for r in body["rest"][0]["resource"]}
    assert {i["code"] for i in types["CarePlan"]["interaction"]} == {"read", "search-type"}
