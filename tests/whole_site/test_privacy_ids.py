"""Change an id in a URL or an API call, and you still see only what is yours.

Every patient-data address that takes an id is listed once in ENDPOINTS. For each, patient B
owns the object; then:

- B, and B's nurse when the care team may read it, get it (and the nurse's read is audited
  with B as the patient);
- patient A, A's nurse, an editor, a reviewer, an administrator and an anonymous visitor get
  a refusal (a redirect to sign-in, 401, 403 or 404; an OperationOutcome from /fhir/; an
  empty Bundle from a FHIR search) and never B's data.

Adding an app's address is one line in ENDPOINTS (see Endpoint): a function that makes B's
object for a patient, and one that builds the URL from that object, e.g.

    Endpoint("diary entry", make=lambda p: diary_entry(p), url=lambda e: f"/diary/{e.pk}/"),
    Endpoint("check result", make=check_result, url=lambda c: reverse("sideeffects:result", args=[c.pk]),
             care_team_reads=False),
    Endpoint("alert", make=alert_for, url=lambda a: reverse("alerts:detail", kwargs={"pk": a.pk}), patient_reads=False),
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from factories import PASSWORD, CareTeamFactory, EditorFactory, NurseFactory, PatientFactory, ReviewerFactory

from careguide.audit.models import AuditEvent
from careguide.backpain.gate import GATE_URL
from careguide.questionnaires.models import Questionnaire, QuestionnaireResponse
from careguide.questionnaires.services import USER_IDENTIFIER_SYSTEM, canonical, subject_reference

pytestmark = pytest.mark.django_db

HTML, FHIR_READ, FHIR_SEARCH = "html", "fhir-read", "fhir-search"


@dataclass(frozen=True)
class Endpoint:
    """One address that reaches a patient's data through an id.

    make(patient) -> the object owned by `patient`; url(obj) -> the address of it.
    method/data: for a POST, data(obj) is the form body.
    kind: HTML (200 means it was shown), FHIR_READ, or FHIR_SEARCH (a Bundle; an empty one
    is a refusal).
    patient_reads: the patient themself may open it; care_team_reads: so may their team.
    """

    name: str
    make: Callable
    url: Callable
    kind: str = HTML
    method: str = "get"
    data: Callable | None = None
    patient_reads: bool = True
    care_team_reads: bool = True
    ok_status: tuple = field(default=(200,))


# --- B's objects ---------------------------------------------------------------------------------

def questionnaire_response(patient, outcome="", items=None):
    """A stored response by `patient` to the back-pain gate questionnaire (loaded with the content)."""
    questionnaire = Questionnaire.objects.filter(url=GATE_URL).first()
    record = QuestionnaireResponse(questionnaire=questionnaire, questionnaire_url=questionnaire.url,
                                   questionnaire_version=questionnaire.version, subject=patient,
                                   outcome=outcome, authored=timezone.now())
    record.resource = {"resourceType": "QuestionnaireResponse", "id": str(record.fhir_id),
                       "questionnaire": canonical(questionnaire), "status": "completed",
                       "subject": subject_reference(patient), "authored": record.authored.isoformat(),
                       **({"item": items} if items else {})}
    record.save()
    return record


def gate_result(patient):
    return questionnaire_response(patient, outcome="proceed")


def gate_stopped(patient):
    """A gate answer that asks the person to see their doctor first (nausea and vomiting)."""
    unwell = [{"linkId": "unwell.symptoms", "answer": [{"valueCoding": {"code": "unexplained_nausea_vomiting"}}]}]
    return questionnaire_response(patient, outcome="see_doctor_first", items=unwell)


def gate_stopped_without_a_team(patient):
    """The same, for a patient with no care team: only they may say "my doctor cleared me"."""
    from careguide.careteam.models import TeamPatient

    TeamPatient.objects.filter(patient=patient).delete()
    return gate_stopped(patient)


def clearance_request(patient):
    """The patient asked their care team to clear them for the back-pain program."""
    from careguide.backpain import clearance

    return clearance.ask_care_team(patient, gate_stopped(patient))


def diary_entry(patient):
    from decimal import Decimal

    from careguide.diary import services as diary

    diary.set_tracked(patient, ["Nausea"])
    return diary.save_entry(patient, diary.EntryInput(
        symptoms={"Nausea": diary.SymptomInput(frequency=1, severity=1)}, temperature_unit="C",
        temperature_entered=Decimal("36.8"), generally_unwell=False, chest_pain=False, bleeding=0,
        saddle_numbness=False, bladder_bowel_loss=False))


def check_result(patient):
    """A stored side-effect check by `patient` that came out red (a temperature on chemotherapy)."""
    from careguide.sideeffects import services as checks

    contract_input = {"context": {"on_sact": True}, "symptoms": {"temperature_c": 38.2}}
    result = checks.evaluate(contract_input)
    response = questionnaire_response(patient, outcome=result.disposition)
    return checks.record_check(patient, response, contract_input, result, {},
                               source_url_for=lambda c: reverse("sideeffects:result", kwargs={"pk": c.pk}))


def red_alert(patient):
    from careguide.alerts.models import Alert

    check = check_result(patient)
    return Alert.objects.get(event__source_url=reverse("sideeffects:result", kwargs={"pk": check.pk}))


def acknowledged_alert(patient):
    """A red alert of `patient` that a member of their team has acknowledged (ready to resolve)."""
    from careguide.alerts import services as alerts
    from careguide.careteam.scoping import team_members_for_patient

    alert = red_alert(patient)
    return alerts.acknowledge(alert, team_members_for_patient(patient).first())


def accepted_referral(patient):
    """A referral of `patient` from a primary-care doctor, sent and accepted by the patient's team."""
    from django.contrib.auth.models import Group

    from careguide.accounts.roles import PRIMARY_CARE
    from careguide.careteam.scoping import team_members_for_patient, teams_for_patient
    from careguide.referrals import services as referrals

    gp, _ = get_user_model().objects.get_or_create(username="referring-gp", defaults={"email": "gp@clinic.example"})
    gp.groups.add(Group.objects.get_or_create(name=PRIMARY_CARE)[0])
    referral = referrals.create(gp, patient=patient, reason="Bone pain", urgency="routine", send=True)
    return referrals.accept(referral, team_members_for_patient(patient).first(), teams_for_patient(patient).first())


def scheduled_referral(patient):
    from careguide.careteam.scoping import team_members_for_patient
    from careguide.referrals import workflow

    return workflow.move(accepted_referral(patient), "scheduled", actor=team_members_for_patient(patient).first())


def treatment_plan(patient):
    import datetime

    from careguide.careteam.scoping import team_members_for_patient
    from careguide.journey import catalog
    from careguide.journey import services as plans

    nurse = team_members_for_patient(patient).first()
    return plans.apply_template(nurse, patient, catalog.get("radiation-course"), datetime.date(2026, 3, 2), {})


def booked_appointment(patient):
    """An appointment tomorrow for `patient`, booked by their team for an accepted referral."""
    from datetime import timedelta

    from careguide.careteam.scoping import team_members_for_patient
    from careguide.referrals import booking
    from careguide.referrals.models import Slot

    clinician, _ = get_user_model().objects.get_or_create(username=f"dr-of-{patient.pk}")
    start = timezone.now() + timedelta(days=1)
    slot = Slot.objects.create(clinician=clinician, location="fremont", start=start, end=start + timedelta(minutes=30))
    return booking.book(accepted_referral(patient), slot.pk, actor=team_members_for_patient(patient).first())


def change_request(patient):
    from careguide.referrals import booking

    return booking.ask_for_change(booked_appointment(patient), "change", "", actor=patient)


def plan_phase(patient):
    return treatment_plan(patient).phases.first()


REFERRAL_ENDPOINTS = [
    # The referring doctor's pages: only the doctor who made the referral (not one of `people`).
    Endpoint("referral, doctor's page", make=accepted_referral, url=lambda r: reverse("referrals:detail", args=[r.pk]),
             patient_reads=False, care_team_reads=False),
    Endpoint("send referral", make=accepted_referral, url=lambda r: f"/referrals/{r.pk}/send/", method="post",
             data=lambda r: {}, patient_reads=False, care_team_reads=False),
    Endpoint("cancel referral, doctor", make=accepted_referral, url=lambda r: reverse("referrals:cancel", args=[r.pk]),
             method="post", data=lambda r: {"cancel-reason": "Moved away"}, patient_reads=False,
             care_team_reads=False),
    # Cancer Care intake: the team that accepted it (a sent referral is every team's queue).
    Endpoint("referral, intake page", make=accepted_referral, url=lambda r: f"/referrals/intake/{r.pk}/",
             patient_reads=False),
    # Already accepted: the team's nurse gets the page with the error on the team field (400).
    Endpoint("accept referral", make=accepted_referral, url=lambda r: reverse("referrals:intake_accept", args=[r.pk]),
             method="post", data=lambda r: {"accept-team": ""}, patient_reads=False, ok_status=(400,)),
    Endpoint("reject referral", make=accepted_referral, url=lambda r: reverse("referrals:intake_reject", args=[r.pk]),
             method="post", data=lambda r: {"reject-reason": ""}, patient_reads=False, ok_status=(400,)),
    Endpoint("complete referral", make=scheduled_referral, url=lambda r: f"/referrals/intake/{r.pk}/complete/",
             method="post", data=lambda r: {}, patient_reads=False, ok_status=(302,)),
    Endpoint("cancel referral, intake", make=accepted_referral, url=lambda r: f"/referrals/intake/{r.pk}/cancel/",
             method="post", data=lambda r: {"cancel-reason": "Moved away"}, patient_reads=False, ok_status=(302,)),
    # The patient's own pages.
    Endpoint("visit preparation", make=accepted_referral, url=lambda r: reverse("referrals:prepare", args=[r.pk]),
             care_team_reads=False),
    Endpoint("pre-visit questions", make=accepted_referral, url=lambda r: reverse("referrals:questions", args=[r.pk]),
             care_team_reads=False),
    Endpoint("agree the team sees my records", make=accepted_referral, url=lambda r: f"/referrals/{r.pk}/share/",
             method="post", data=lambda r: {}, care_team_reads=False, ok_status=(302,)),
    Endpoint("FHIR ServiceRequest read", make=accepted_referral, kind=FHIR_READ,
             url=lambda r: reverse("fhir:service_request", kwargs={"resource_id": r.fhir_id})),
    Endpoint("FHIR ServiceRequest search by id", make=accepted_referral, kind=FHIR_SEARCH,
             url=lambda r: f"{reverse('fhir:service_request_type')}?_id={r.fhir_id}"),
    Endpoint("FHIR ServiceRequest search by subject", make=accepted_referral, kind=FHIR_SEARCH,
             url=lambda r: f"/fhir/ServiceRequest?subject:identifier={USER_IDENTIFIER_SYSTEM}|{r.patient_id}"),
]

APPOINTMENT_ENDPOINTS = [
    Endpoint("booking page", make=accepted_referral, url=lambda r: reverse("appointments:book", args=[r.pk]),
             patient_reads=False),
    Endpoint("appointment calendar file", make=booked_appointment, url=lambda a: f"/appointments/{a.pk}/calendar.ics"),
    Endpoint("ask to cancel or change", make=booked_appointment, url=lambda a: f"/appointments/{a.pk}/change/",
             care_team_reads=False),
    Endpoint("cancel appointment page", make=booked_appointment, url=lambda a: f"/appointments/{a.pk}/cancel/",
             patient_reads=False),
    Endpoint("appointment attended or missed", make=booked_appointment, method="post",
             url=lambda a: reverse("appointments:outcome", kwargs={"pk": a.pk}), data=lambda a: {"outcome": "noshow"},
             ok_status=(302,), patient_reads=False),
    Endpoint("change request page", make=change_request, url=lambda c: reverse("appointments:handle", args=[c.pk]),
             patient_reads=False),
    Endpoint("FHIR Appointment read", make=booked_appointment, kind=FHIR_READ,
             url=lambda a: reverse("fhir:appointment", kwargs={"resource_id": a.fhir_id})),
    Endpoint("FHIR Appointment search by id", make=booked_appointment, kind=FHIR_SEARCH,
             url=lambda a: f"{reverse('fhir:appointment_type')}?_id={a.fhir_id}"),
    Endpoint("FHIR Appointment search by patient", make=booked_appointment, kind=FHIR_SEARCH,
             url=lambda a: f"/fhir/Appointment?patient:identifier={USER_IDENTIFIER_SYSTEM}|{a.patient_id}"),
]

PLAN_ENDPOINTS = [
    Endpoint("treatment plan (care team)", make=treatment_plan, patient_reads=False,
             url=lambda p: reverse("journey:patient", kwargs={"patient_id": p.patient_id})),
    Endpoint("apply a plan template", make=treatment_plan, patient_reads=False,
             url=lambda p: reverse("journey:apply", kwargs={"patient_id": p.patient_id})),
    Endpoint("change a plan phase", make=plan_phase, patient_reads=False,
             url=lambda ph: reverse("journey:edit_phase", kwargs={"plan_id": ph.plan_id, "phase_id": ph.pk})),
    Endpoint("remove a plan phase", make=plan_phase, patient_reads=False,
             url=lambda ph: reverse("journey:remove_phase", kwargs={"plan_id": ph.plan_id, "phase_id": ph.pk})),
    Endpoint("add a plan phase", make=treatment_plan, patient_reads=False,
             url=lambda p: reverse("journey:add_phase", kwargs={"plan_id": p.pk})),
    Endpoint("end a plan", make=treatment_plan, url=lambda p: reverse("journey:end_plan", args=[p.pk]), method="post",
             data=lambda p: {"status": "stopped"}, ok_status=(302,), patient_reads=False),
    Endpoint("FHIR CarePlan read", make=treatment_plan, kind=FHIR_READ, url=lambda p: f"/fhir/CarePlan/{p.fhir_id}"),
    Endpoint("FHIR CarePlan search by subject", make=treatment_plan, kind=FHIR_SEARCH,
             url=lambda p: f"/fhir/CarePlan?subject:identifier={USER_IDENTIFIER_SYSTEM}|{p.patient_id}"),
]


ENDPOINTS = [
    Endpoint("questionnaire response page", make=questionnaire_response,
             url=lambda r: f"/questionnaires/responses/{r.fhir_id}/"),
    Endpoint("FHIR QuestionnaireResponse read", make=questionnaire_response, kind=FHIR_READ,
             url=lambda r: reverse("fhir:questionnaire_response", kwargs={"resource_id": r.fhir_id})),
    Endpoint("FHIR QuestionnaireResponse search by id", make=questionnaire_response, kind=FHIR_SEARCH,
             url=lambda r: f"{reverse('fhir:questionnaire_response_type')}?_id={r.fhir_id}"),
    Endpoint("FHIR QuestionnaireResponse search by subject", make=questionnaire_response, kind=FHIR_SEARCH,
             url=lambda r: f"/fhir/QuestionnaireResponse?subject:identifier={USER_IDENTIFIER_SYSTEM}|{r.subject_id}"),
    Endpoint("FHIR QuestionnaireResponse $extract", make=questionnaire_response, kind=FHIR_READ, method="post",
             url=lambda r: reverse("fhir:questionnaire_response_instance_extract", args=[r.fhir_id])),
    # The back-pain program is the patient's own: their care team does not open it here.
    Endpoint("back-pain gate result", make=gate_result, care_team_reads=False,
             url=lambda r: f"/back-pain-program/check/result/{r.fhir_id}/"),
    Endpoint("back-pain 'ask my care team to clear me'", make=gate_stopped, care_team_reads=False, method="post",
             url=lambda r: f"/back-pain-program/check/result/{r.fhir_id}/ask-care-team/", ok_status=(302,)),
    Endpoint("back-pain clearance request (care team)", make=clearance_request, patient_reads=False,
             url=lambda r: reverse("backpain:team_request", kwargs={"pk": r.pk})),
    Endpoint("back-pain program start", make=gate_result, care_team_reads=False, method="post",
             url=lambda r: reverse("backpain:start"), data=lambda r: {"response": str(r.fhir_id)},
             ok_status=(302,)),
    Endpoint("diary entry", make=diary_entry, url=lambda e: reverse("diary:entry", kwargs={"pk": e.pk})),
    Endpoint("diary trends", make=diary_entry, url=lambda e: reverse("diary:patient_trends", args=[e.patient_id])),
    Endpoint("diary CSV", make=diary_entry, url=lambda e: reverse("diary:patient_export", args=[e.patient_id])),
    Endpoint("diary PDF", make=diary_entry, url=lambda e: reverse("diary:patient_summary", args=[e.patient_id])),
    Endpoint("side-effect check result", make=check_result, url=lambda c: reverse("sideeffects:result", args=[c.pk])),
    Endpoint("alert", make=red_alert, url=lambda a: reverse("alerts:detail", kwargs={"pk": a.pk}), patient_reads=False),
    Endpoint("care team's patient page", make=red_alert, url=lambda a: reverse("alerts:patient", args=[a.patient_id]),
             patient_reads=False),
    Endpoint("acknowledge alert", make=red_alert, url=lambda a: reverse("alerts:acknowledge", kwargs={"pk": a.pk}),
             method="post", data=lambda a: {}, ok_status=(302, 303), patient_reads=False),
    Endpoint("resolve alert", make=acknowledged_alert, url=lambda a: reverse("alerts:resolve", kwargs={"pk": a.pk}),
             method="post", data=lambda a: {"note": "Called back; seen in clinic."}, ok_status=(302, 303),
             patient_reads=False),
    *REFERRAL_ENDPOINTS,
    *APPOINTMENT_ENDPOINTS,
    *PLAN_ENDPOINTS,
    # Last: its maker takes patient B out of their care team (self-reporting is only for people
    # without one), and the registry test makes every endpoint's object for the same patient B.
    Endpoint("back-pain 'my doctor cleared me'", make=gate_stopped_without_a_team, care_team_reads=False,
             method="post", url=lambda r: f"/back-pain-program/check/result/{r.fhir_id}/cleared/",
             data=lambda r: {"attest": "yes"}, ok_status=(302,)),
]


# --- the people ----------------------------------------------------------------------------------

@pytest.fixture
def people(db):
    team_a, team_b = CareTeamFactory(name="Team A"), CareTeamFactory(name="Team B")
    found = {"patient A": PatientFactory(email="a@example.org", team=team_a),
             "patient B": PatientFactory(email="b@example.org", team=team_b),
             "A's nurse": NurseFactory(username="nurse-of-a", email="nurse-of-a@example.org", first_name="",
                                       last_name="", team=team_a),
             "B's nurse": NurseFactory(username="nurse-of-b", email="nurse-of-b@example.org", first_name="",
                                       last_name="", team=team_b),
             "editor": EditorFactory(), "reviewer": ReviewerFactory(),
             "admin": get_user_model().objects.create_superuser("admin.test", "admin.test@example.org", PASSWORD)}
    found["anonymous"] = None
    return found


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def call(client, endpoint: Endpoint, obj):
    url = endpoint.url(obj)
    if endpoint.method == "post":
        return client.post(url, endpoint.data(obj) if endpoint.data else {})
    return client.get(url)


def shows(endpoint: Endpoint, response, obj) -> bool:
    """True when the response hands over B's object."""
    if endpoint.kind == FHIR_SEARCH:
        if response.status_code != 200:
            return False
        bundle = json.loads(response.content)
        return any(e["resource"].get("id") == str(obj.fhir_id) for e in bundle.get("entry", []))
    if endpoint.kind == FHIR_READ:
        return response.status_code == 200 and json.loads(response.content).get("resourceType") != "OperationOutcome"
    return response.status_code in endpoint.ok_status and not to_sign_in(response)


def to_sign_in(response) -> bool:
    return response.status_code == 302 and response.url.startswith(("/account/sign-in/", "/admin/login/"))


def refused(endpoint: Endpoint, response) -> bool:
    status = response.status_code
    if endpoint.kind in (FHIR_READ, FHIR_SEARCH):
        body = json.loads(response.content)
        if endpoint.kind == FHIR_SEARCH and status == 200:
            return body["resourceType"] == "Bundle" and body["total"] == 0 and not body.get("entry")
        return status in (401, 403, 404) and body["resourceType"] == "OperationOutcome"
    # A redirect only ever to sign-in: one elsewhere might lead on to someone else's data.
    return to_sign_in(response) or status in (401, 403, 404)


def allowed_readers(endpoint):
    return [who for who, ok in (("patient B", endpoint.patient_reads), ("B's nurse", endpoint.care_team_reads)) if ok]


OUTSIDERS = ["patient A", "A's nurse", "editor", "reviewer", "admin", "anonymous"]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.name for e in ENDPOINTS])
def test_someone_elses_id_shows_nothing(people, endpoint):
    obj = endpoint.make(people["patient B"])
    refused_to = OUTSIDERS + [who for who in ("patient B", "B's nurse") if who not in allowed_readers(endpoint)]
    for who in refused_to:  # refusals first: a successful POST below may change the object
        response = call(client_for(people[who]), endpoint, obj)
        assert refused(endpoint, response), f"{who}: {response.status_code}"
        assert not shows(endpoint, response, obj), who
    for who in allowed_readers(endpoint):
        response = call(client_for(people[who]), endpoint, obj)
        assert shows(endpoint, response, obj), f"{who}: {response.status_code}"


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e.care_team_reads and e.method == "get"],
                         ids=[e.name for e in ENDPOINTS if e.care_team_reads and e.method == "get"])
def test_a_care_team_read_is_audited_with_the_patient(people, endpoint):
    obj = endpoint.make(people["patient B"])
    nurse = people["B's nurse"]
    before = AuditEvent.objects.filter(actor=nurse, action="read", patient=people["patient B"]).count()
    assert shows(endpoint, call(client_for(nurse), endpoint, obj), obj)
    assert AuditEvent.objects.filter(actor=nurse, action="read", patient=people["patient B"]).count() > before


def test_the_registry_covers_every_patient_data_view_that_takes_an_id(people):
    """A reminder with teeth: a new URL with an id under a patient-data prefix fails here until
    it is listed in ENDPOINTS (or in NOT_PATIENT_DATA, with the reason it needs no entry)."""
    from urllib.parse import urlsplit

    from django.urls import get_resolver, resolve

    covered = {resolve(urlsplit(e.url(e.make(people["patient B"]))).path).route for e in ENDPOINTS}

    def walk(patterns, prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if hasattr(pattern, "url_patterns"):
                yield from walk(pattern.url_patterns, route)
            else:
                yield route

    with_ids = {r for r in walk(get_resolver().url_patterns) if r.startswith(PATIENT_DATA_PREFIXES) and "<" in r}
    assert with_ids - covered - NOT_PATIENT_DATA == set(), "add these to ENDPOINTS"


PATIENT_DATA_PREFIXES = ("questionnaires/", "fhir/", "back-pain-program/", "diary/", "side-effect-check/",
                         "care-team/", "account/", "api/", "referrals/", "appointments/", "treatment-plan/")
NOT_PATIENT_DATA = {
    "questionnaires/<str:fhir_id>/",  # a questionnaire to fill in, not anyone's answers
    "questionnaires/<str:fhir_id>/state/",  # judges the fields it is sent; reads no stored answers
    "fhir/Questionnaire/<str:resource_id>",
    # A questionnaire's id; the patient is the subject parameter, scoped (tests/fhir/test_fhir_sdc_operations.py).
    "fhir/Questionnaire/<str:resource_id>/$populate",
    "fhir/<str:resource_type>/<str:resource_id>",  # types this server does not hold
    "fhir/<str:resource_type>",
    "back-pain-program/week/<int:week>/",  # a week of the signed-in person's own program
    "account/password-reset/confirm/<uidb64>/<token>/",  # a reset link's token
    "account/register/confirm/<str:token>/",  # a registration link's token
    "fhir/Slot/<str:resource_id>",  # a clinic time; a slot carries no patient data
}
