"""FHIR Slot and Appointment: read, search, who sees what, validation, no create."""

import json

import pytest
import time_machine
from booking_support import MONDAY_8AM, gp, local, patient, referral, slot, staff, team_with

from careguide.audit.models import AuditEvent
from careguide.fhir.validation import validate
from careguide.questionnaires.services import USER_IDENTIFIER_SYSTEM
from careguide.referrals import booking

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def frozen():
    with time_machine.travel(MONDAY_8AM, tick=False):
        yield


@pytest.fixture
def world():
    pat, other = patient("pat@example.org", "Pat"), patient("oscar@example.org", "Oscar")
    nurse, other_nurse = staff("nurse.nia"), staff("nurse.olu")
    doctor = staff("dr.ames", first_name="Ana", last_name="Ames")
    team = team_with("Team A", nurse=nurse, patients=[pat], clinician=doctor)
    team_with("Team B", nurse=other_nurse, patients=[other])
    referrer, other_gp = gp(), gp("gp.other")
    ref = referral(pat, referrer, team=team)
    free = slot(doctor, local(1, 10), location="san-leandro")
    taken = slot(doctor, local(1, 9))
    appointment = booking.book(ref, taken.pk, actor=nurse)
    return type("World", (), dict(patient=pat, other=other, nurse=nurse, other_nurse=other_nurse, gp=referrer,
                                  other_gp=other_gp, ref=ref, free=free, taken=taken, appointment=appointment))


def get(client, user, url):
    client.force_login(user)
    response = client.get(url)
    return response, json.loads(response.content)


def ids(bundle):
    return [e["resource"]["id"] for e in bundle.get("entry", [])]


def test_slot_read_is_valid_fhir_with_its_schedule_and_status(world, client):
    response, body = get(client, world.patient, f"/fhir/Slot/{world.taken.fhir_id}")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/fhir+json")
    assert validate(body) == []
    assert body["status"] == "busy"
    assert body["start"] == "2026-11-24T17:00:00Z" and body["end"] == "2026-11-24T17:30:00Z"
    assert body["schedule"] == {"reference": "#schedule", "display": "Ana Ames at Fremont Medical Center"}
    assert body["contained"][0]["actor"] == [{"display": "Ana Ames"}, {"display": "Fremont Medical Center"}]
    assert "Pat" not in response.content.decode()
    _, free = get(client, world.nurse, f"/fhir/Slot/{world.free.fhir_id}")
    assert free["status"] == "free"


def test_slot_search_by_start_and_status(world, client):
    _, bundle = get(client, world.nurse, "/fhir/Slot?status=free&start=ge2026-11-24")
    assert bundle["type"] == "searchset" and validate(bundle) == []
    assert ids(bundle) == [str(world.free.fhir_id)]
    _, busy = get(client, world.nurse, "/fhir/Slot?status=busy")
    assert ids(busy) == [str(world.taken.fhir_id)]
    _, window = get(client, world.nurse, "/fhir/Slot?start=ge2026-11-24T17:30:00Z&start=lt2026-11-25")
    assert ids(window) == [str(world.free.fhir_id)]
    response, outcome = get(client, world.nurse, "/fhir/Slot?start=soon")
    assert response.status_code == 400 and outcome["resourceType"] == "OperationOutcome"
    issue = outcome["issue"][0]
    assert issue["expression"] == ["start"] and "'soon' is not a date" in issue["diagnostics"]
    response, outcome = get(client, world.nurse, "/fhir/Slot?status=maybe")
    assert response.status_code == 400 and outcome["issue"][0]["expression"] == ["status"]


def test_slots_need_a_signed_in_person(world, client):
    response = client.get(f"/fhir/Slot/{world.free.fhir_id}")
    assert response.status_code == 401 and json.loads(response.content)["resourceType"] == "OperationOutcome"


def test_appointment_read_names_who_where_and_what_it_is_based_on(world, client):
    response, body = get(client, world.patient, f"/fhir/Appointment/{world.appointment.fhir_id}")
    assert response.status_code == 200 and validate(body) == []
    assert body["status"] == "booked"
    assert body["basedOn"] == [{"reference": f"ServiceRequest/{world.ref.fhir_id}"}]
    assert body["slot"] == [{"reference": f"Slot/{world.taken.fhir_id}"}]
    assert body["start"] == "2026-11-24T17:00:00Z"
    actors = [p["actor"] for p in body["participant"]]
    assert actors[0] == {"identifier": {"system": USER_IDENTIFIER_SYSTEM, "value": str(world.patient.pk)},
                         "display": "Pat"}
    assert actors[1] == {"display": "Ana Ames"} and actors[2] == {"display": "Fremont Medical Center"}
    assert "Bone pain" not in response.content.decode()


def test_team_and_referrer_read_audited_outsiders_get_404(world, client):
    url = f"/fhir/Appointment/{world.appointment.fhir_id}"
    for reader, detail in ((world.nurse, "read by care team"), (world.gp, "read by referrer")):
        response, _ = get(client, reader, url)
        assert response.status_code == 200
        assert AuditEvent.objects.filter(actor=reader, action="read", patient=world.patient, detail=detail).exists()
    for outsider in (world.other, world.other_nurse, world.other_gp):
        response, body = get(client, outsider, url)
        assert response.status_code == 404 and body["resourceType"] == "OperationOutcome"


def test_appointment_search_is_scoped(world, client):
    query = f"/fhir/Appointment?patient:identifier={USER_IDENTIFIER_SYSTEM}|{world.patient.pk}"
    for reader in (world.patient, world.nurse, world.gp):
        _, bundle = get(client, reader, query)
        assert ids(bundle) == [str(world.appointment.fhir_id)] and validate(bundle) == []
    for outsider in (world.other, world.other_nurse, world.other_gp):
        _, bundle = get(client, outsider, query)
        assert bundle["total"] == 0 and not bundle.get("entry")
    _, by_date = get(client, world.patient, "/fhir/Appointment?date=2026-11-24&status=booked")
    assert ids(by_date) == [str(world.appointment.fhir_id)]
    _, none = get(client, world.patient, "/fhir/Appointment?date=ge2026-11-25")
    assert none["total"] == 0


def test_cancelled_appointment_says_so(world, client):
    booking.cancel(world.appointment, actor=world.nurse, reason="Clinic closed")
    _, body = get(client, world.patient, f"/fhir/Appointment/{world.appointment.fhir_id}")
    assert body["status"] == "cancelled" and body["cancelationReason"] == {"text": "Clinic closed"}
    assert validate(body) == []


def test_no_fhir_create_and_the_capability_statement_lists_both(world, client):
    client.force_login(world.nurse)
    for resource in ("Slot", "Appointment"):
        response = client.post(f"/fhir/{resource}", data="{}", content_type="application/fhir+json")
        assert response.status_code == 405 and json.loads(response.content)["resourceType"] == "OperationOutcome"
    metadata = json.loads(client.get("/fhir/metadata").content)
    types = {r["type"]: r for r in metadata["rest"][0]["resource"]}
    assert {i["code"] for i in types["Slot"]["interaction"]} == {"read", "search-type"}
    assert {i["code"] for i in types["Appointment"]["interaction"]} == {"read", "search-type"}
