"""FHIR ServiceRequest: a referral read and searched by the patient, the referring doctor and the
care team; valid R4 for every status; nothing for anyone else; no create over FHIR."""

import json

import pytest
from referrals_support import S, make_people, make_referral

from careguide.audit.models import AuditEvent
from careguide.fhir.validation import validate
from careguide.questionnaires.services import USER_IDENTIFIER_SYSTEM
from careguide.referrals.fhir_servicerequest import FHIR_STATUS, STATUS_EXTENSION, to_fhir

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    return make_people()


def read(client, referral):
    return client.get(f"/fhir/ServiceRequest/{referral.fhir_id}")


def body(response):
    return json.loads(response.content)


def test_the_patient_reads_their_referral_as_a_valid_service_request(client, people):
    referral = make_referral(people.gp, people.patient, S.SENT, urgency="urgent")
    client.force_login(people.patient)
    response = read(client, referral)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    assert "no-store" in response["Cache-Control"]
    resource = body(response)
    assert validate(resource, "ServiceRequest") == []
    assert resource["id"] == str(referral.fhir_id)
    assert (resource["status"], resource["intent"], resource["priority"]) == ("active", "order", "urgent")
    assert resource["subject"] == {"identifier": {"system": USER_IDENTIFIER_SYSTEM, "value": str(people.patient.pk)}}
    assert resource["requester"] == {"display": "Sam Rivera"}
    assert resource["performer"] == [{"display": "Cancer Care"}]
    assert resource["reasonCode"] == [{"text": "Lump in the thigh"}]
    assert resource["note"] == [{"text": "X-ray attached"}]
    assert resource["authoredOn"].startswith(referral.created_at.strftime("%Y-%m-%d"))
    assert resource["extension"] == [{"url": STATUS_EXTENSION, "valueCode": "sent"}]


@pytest.mark.parametrize("status", S.values)
def test_every_status_maps_to_a_valid_r4_status(people, status):
    referral = make_referral(people.gp, people.patient, status, team=people.team)
    resource = to_fhir(referral)
    assert validate(resource, "ServiceRequest") == []
    assert resource["status"] == FHIR_STATUS[status]
    assert resource["extension"][0]["valueCode"] == status
    expected = {"draft": "draft", "sent": "active", "accepted": "active", "scheduled": "active",
                "completed": "completed", "rejected": "revoked", "cancelled": "revoked"}
    assert resource["status"] == expected[status]


def test_an_accepted_referral_names_the_team_and_links_the_previsit_answers(people):
    from careguide.questionnaires.models import Questionnaire
    from careguide.questionnaires.services import submit_response
    from careguide.referrals import services

    referral = make_referral(people.gp, people.patient, S.ACCEPTED, team=people.team)
    questionnaire = Questionnaire.objects.current(services.PREVISIT_URL)
    answers = {"resourceType": "QuestionnaireResponse", "status": "completed", "item": [
        {"linkId": "concern", "answer": [{"valueString": "Leg pain"}]},
        {"linkId": "family", "answer": [{"valueCoding": {"system": "http://careguide.invalid/fhir/CodeSystem/pre-visit",
                                                          "code": "no"}}]},
        {"linkId": "interpreter", "answer": [{"valueCoding": {
            "system": "http://careguide.invalid/fhir/CodeSystem/pre-visit", "code": "no"}}]},
    ]}
    record = submit_response(questionnaire, answers, user=people.patient).record
    services.save_previsit(referral, record, people.patient)
    resource = to_fhir(referral)
    assert validate(resource, "ServiceRequest") == []
    assert resource["performer"] == [{"display": "Oncology team A"}]
    assert resource["supportingInfo"][0]["reference"] == f"QuestionnaireResponse/{record.fhir_id}"


def test_the_referring_doctor_reads_their_own_including_drafts(client, people):
    draft = make_referral(people.gp, people.patient, S.DRAFT)
    client.force_login(people.gp)
    assert body(read(client, draft))["status"] == "draft"
    client.force_login(people.other_gp)
    response = read(client, draft)
    assert response.status_code == 404
    assert body(response)["resourceType"] == "OperationOutcome"


def test_the_patient_does_not_see_a_draft(client, people):
    draft = make_referral(people.gp, people.patient, S.DRAFT)
    client.force_login(people.patient)
    assert read(client, draft).status_code == 404


def test_the_care_team_reads_it_and_the_read_is_audited(client, people):
    referral = make_referral(people.gp, people.patient, S.ACCEPTED, team=people.team)
    client.force_login(people.oncologist)
    assert read(client, referral).status_code == 200
    assert AuditEvent.objects.filter(actor=people.oncologist, action="read", patient=people.patient,
                                     object_type="referrals.referral", object_id=str(referral.pk)).exists()
    client.force_login(people.other_nurse)
    assert read(client, referral).status_code == 404


@pytest.mark.parametrize("who", ["other_patient", "other_nurse", "other_gp"])
def test_others_get_404_and_an_empty_search(client, people, who):
    referral = make_referral(people.gp, people.patient, S.ACCEPTED, team=people.team)
    client.force_login(getattr(people, who))
    response = read(client, referral)
    assert response.status_code == 404
    assert body(response)["issue"][0]["code"] == "not-found"
    for query in (f"_id={referral.fhir_id}", f"subject:identifier={USER_IDENTIFIER_SYSTEM}|{people.patient.pk}"):
        bundle = body(client.get(f"/fhir/ServiceRequest?{query}"))
        assert (bundle["resourceType"], bundle["total"], bundle.get("entry", [])) == ("Bundle", 0, [])


def test_anonymous_visitors_must_sign_in(client, people):
    referral = make_referral(people.gp, people.patient, S.SENT)
    assert read(client, referral).status_code == 401
    assert client.get("/fhir/ServiceRequest").status_code == 401


def test_a_malformed_id_is_a_404_outcome(client, people):
    client.force_login(people.patient)
    response = client.get("/fhir/ServiceRequest/not-a-uuid")
    assert response.status_code == 404
    assert body(response)["resourceType"] == "OperationOutcome"


def test_search_by_subject_status_and_id(client, people):
    sent = make_referral(people.gp, people.patient, S.SENT)
    cancelled = make_referral(people.gp, people.patient, S.CANCELLED)
    make_referral(people.gp, people.other_patient, S.SENT)
    client.force_login(people.gp)
    subject = f"subject:identifier={USER_IDENTIFIER_SYSTEM}|{people.patient.pk}"
    bundle = body(client.get(f"/fhir/ServiceRequest?{subject}"))
    assert validate(bundle, "Bundle") == []
    assert bundle["type"] == "searchset"
    assert {e["resource"]["id"] for e in bundle["entry"]} == {str(sent.fhir_id), str(cancelled.fhir_id)}
    assert bundle["entry"][0]["fullUrl"].startswith("http://testserver/fhir/ServiceRequest/")
    bundle = body(client.get(f"/fhir/ServiceRequest?{subject}&status=revoked"))
    assert [e["resource"]["id"] for e in bundle["entry"]] == [str(cancelled.fhir_id)]
    bundle = body(client.get(f"/fhir/ServiceRequest?_id={sent.fhir_id}"))
    assert [e["resource"]["id"] for e in bundle["entry"]] == [str(sent.fhir_id)]
    assert body(client.get("/fhir/ServiceRequest"))["total"] == 3
    assert body(client.get("/fhir/ServiceRequest?subject:identifier=urn:other|1"))["total"] == 0


def test_a_search_by_staff_is_audited_for_each_patient(client, people):
    referral = make_referral(people.gp, people.patient, S.SENT)
    client.force_login(people.nurse)
    bundle = body(client.get("/fhir/ServiceRequest?status=active"))
    assert [e["resource"]["id"] for e in bundle["entry"]] == [str(referral.fhir_id)]
    assert AuditEvent.objects.filter(actor=people.nurse, action="read", patient=people.patient).exists()


def test_no_create_over_fhir(client, people):
    client.force_login(people.gp)
    response = client.post("/fhir/ServiceRequest", data=json.dumps({"resourceType": "ServiceRequest"}),
                           content_type="application/fhir+json")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    outcome = body(response)
    assert outcome["resourceType"] == "OperationOutcome"
    assert "referral workflow" in outcome["issue"][0]["diagnostics"]
    assert client.put(f"/fhir/ServiceRequest/{make_referral(people.gp, people.patient).fhir_id}").status_code == 405


def test_the_capability_statement_lists_service_request(client):
    statement = body(client.get("/fhir/metadata"))
    entry = next(r for r in statement["rest"][0]["resource"] if r["type"] == "ServiceRequest")
    assert {i["code"] for i in entry["interaction"]} == {"read", "search-type"}
    assert {p["name"] for p in entry["searchParam"]} == {"_id", "status", "subject"}
