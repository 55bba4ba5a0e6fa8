"""A team that accepts a referral sees the referral, not the patient's earlier records, until
the patient agrees on their referrals page to words that say what the team will see. On every
path: the care-team pages and /fhir/ (ADR 0023)."""

import json

import pytest
from django.test import Client
from django.urls import reverse
from referrals_support import S, make_people, make_referral, text

from careguide.audit.models import AuditEvent
from careguide.careteam import scoping
from careguide.careteam import services as careteam
from careguide.questionnaires.services import USER_IDENTIFIER_SYSTEM
from careguide.referrals import services
from careguide.referrals.models import ReferralConsent

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    return make_people()


@pytest.fixture
def accepted(people):
    """Pat's referral, accepted by team A, whose staff have never looked after Pat."""
    return make_referral(people.gp, people.patient, S.ACCEPTED, team=people.team, actor=people.nurse)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def history_paths(patient):
    """Where a care team reads a patient's earlier records."""
    return [reverse("alerts:patient", args=[patient.pk]), reverse("journey:patient", args=[patient.pk]),
            reverse("diary:patient_trends", args=[patient.pk])]


def fhir_total(client, resource, patient):
    response = client.get(f"/fhir/{resource}", {"subject:identifier": f"{USER_IDENTIFIER_SYSTEM}|{patient.pk}"})
    return json.loads(response.content)["total"]


def test_the_accepting_team_sees_the_referral_but_not_the_earlier_records(people, accepted):
    nurse = signed_in(people.nurse)
    assert not scoping.can_see_patient(people.nurse, people.patient)
    page = nurse.get(reverse("referrals:intake_detail", args=[accepted.pk]))
    assert page.status_code == 200
    assert ("Pat has not yet agreed that Oncology team A sees their records (diary, side-effect checks, answers, "
            "treatment plans).") in text(page)
    assert nurse.get(reverse("appointments:book", args=[accepted.pk])).status_code == 200
    assert fhir_total(nurse, "ServiceRequest", people.patient) == 1
    for path in history_paths(people.patient):
        assert nurse.get(path).status_code in (403, 404), path
    for resource in ("QuestionnaireResponse", "CarePlan"):
        assert fhir_total(nurse, resource, people.patient) == 0


def test_the_patient_reads_what_the_team_will_see_and_agrees(people, accepted):
    patient = signed_in(people.patient)
    page = text(patient.get(reverse("referrals:mine")))
    assert "Can Oncology team A see your records?" in page
    assert services.sharing_wording(accepted) in page
    assert "your symptom diary, your side-effect checks and their results" in page
    assert "If you say nothing, you can still have your visit." in page

    response = patient.post(reverse("referrals:share", args=[accepted.pk]))
    assert response.status_code == 302
    consent = ReferralConsent.objects.get(referral=accepted)
    assert consent.by == people.patient and consent.wording == services.sharing_wording(accepted)
    assert AuditEvent.objects.filter(actor=people.patient, patient=people.patient, action="update",
                                     detail="patient shared their records with the team").exists()
    assert "You said Oncology team A can see your records." in text(patient.get(reverse("referrals:mine")))

    nurse = signed_in(people.nurse)
    assert scoping.can_see_patient(people.oncologist, people.patient)
    assert nurse.get(history_paths(people.patient)[0]).status_code == 200
    assert "has not yet agreed" not in text(nurse.get(reverse("referrals:intake_detail", args=[accepted.pk])))


def test_agreeing_twice_stores_one_agreement(people, accepted):
    patient = signed_in(people.patient)
    patient.post(reverse("referrals:share", args=[accepted.pk]))
    patient.post(reverse("referrals:share", args=[accepted.pk]))
    assert ReferralConsent.objects.filter(referral=accepted).count() == 1


def test_nobody_else_can_agree_for_the_patient(people, accepted):
    for user in (people.other_patient, people.nurse, people.gp):
        response = signed_in(user).post(reverse("referrals:share", args=[accepted.pk]))
        assert response.status_code in (403, 404)
    assert not ReferralConsent.objects.exists()
    assert not scoping.can_see_patient(people.nurse, people.patient)


def test_a_referral_no_team_has_accepted_asks_nothing(people):
    sent = make_referral(people.gp, people.patient, S.SENT)
    patient = signed_in(people.patient)
    assert "see your records" not in text(patient.get(reverse("referrals:mine")))
    assert patient.post(reverse("referrals:share", args=[sent.pk])).status_code == 404


def test_a_patient_the_team_already_looks_after_is_not_asked(people):
    careteam.assign_patient(None, people.team, people.patient)
    referral = make_referral(people.gp, people.patient, S.ACCEPTED, team=people.team, actor=people.nurse)
    assert services.sharing(referral) == ""
    assert "see your records" not in text(signed_in(people.patient).get(reverse("referrals:mine")))
    assert scoping.can_see_patient(people.nurse, people.patient)
