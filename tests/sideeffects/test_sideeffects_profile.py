"""The treatment profile: what it implies for the side-effect check (on_sact, immunosuppressed,
ici), the page where a patient records it, and their audited corrections."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from factories import PatientFactory

from careguide.audit.models import AuditEvent
from careguide.sideeffects.models import ContextCorrection, Treatment, TreatmentProfile
from careguide.sideeffects.profile import derive_context, explain, triage_context

TODAY = dt.date(2026, 3, 1)
NOTHING = {"on_sact": False, "immunosuppressed": False, "ici": False}


def days_ago(n):
    return TODAY - dt.timedelta(days=n)


def chemo(**kw):
    return {"kind": "chemotherapy", "start_date": days_ago(200), **kw}


# --- Derivation (pure) ------------------------------------------------------------------------


@pytest.mark.parametrize(("last_dose", "on_sact"), [(0, True), (55, True), (56, True), (57, False), (400, False)])
def test_on_sact_holds_for_8_weeks_after_the_last_dose(last_dose, on_sact):
    for kind in ("chemotherapy", "targeted", "immunotherapy"):
        data = {"treatments": [{"kind": kind, "start_date": days_ago(300), "end_date": days_ago(last_dose)}]}
        assert derive_context(data, TODAY)["on_sact"] is on_sact, kind


def test_ongoing_or_undated_systemic_treatment_counts_and_a_future_one_does_not():
    assert derive_context({"treatments": [chemo(ongoing=True)]}, TODAY)["on_sact"] is True
    assert derive_context({"treatments": [chemo()]}, TODAY)["on_sact"] is True  # no last-dose date: safer
    planned = {"kind": "targeted", "start_date": TODAY + dt.timedelta(days=3), "ongoing": True}
    assert derive_context({"treatments": [planned]}, TODAY)["on_sact"] is False
    assert derive_context({"treatments": [chemo(end_date="2026-02-20")]}, TODAY)["on_sact"] is True  # ISO text


def test_a_checkpoint_inhibitor_ever_means_ici():
    long_ago = {"kind": "immunotherapy", "start_date": "2019-01-01", "end_date": "2019-06-01"}
    assert derive_context({"treatments": [long_ago]}, TODAY) == {**NOTHING, "ici": True}


@pytest.mark.parametrize("data", [
    {"cancer_type": "all"}, {"cancer_type": "aml"}, {"long_term_steroids": True},
    {"treatments": [{"kind": "transplant", "start_date": "2015-05-05"}]},
])
def test_acute_leukaemia_a_transplant_at_any_date_or_steroids_mean_immunosuppressed(data):
    assert derive_context(data, TODAY) == {**NOTHING, "immunosuppressed": True}


def test_other_cancers_radiation_and_surgery_set_nothing():
    data = {"cancer_type": "osteosarcoma", "long_term_steroids": False, "treatments": [
        {"kind": "radiation", "start_date": days_ago(10), "ongoing": True, "body_area": "leg"},
        {"kind": "surgery", "start_date": days_ago(5), "detail": "limb-sparing surgery"},
    ]}
    assert derive_context(data, TODAY) == NOTHING
    assert derive_context({}, TODAY) == NOTHING


def test_the_reasons_are_plain_words():
    why = explain({"cancer_type": "all", "treatments": [chemo(ongoing=True), chemo(ongoing=True)]}, TODAY)
    assert why["on_sact"] == ["You are having chemotherapy or another cancer medicine."]
    assert why["immunosuppressed"] == ["You have acute leukemia."]


# --- triage_context, with frozen dates --------------------------------------------------------


@pytest.fixture
def patient(db):
    return PatientFactory(email="tp@example.org")



@pytest.mark.django_db
@pytest.mark.parametrize(("today", "on_sact"), [(dt.date(2026, 2, 25), True), (dt.date(2026, 2, 27), False)])
def test_triage_context_on_a_given_day(patient, today, on_sact):
    profile = TreatmentProfile.objects.create(patient=patient, cancer_type="ewing")
    Treatment.objects.create(profile=profile, kind="chemotherapy", start_date=dt.date(2025, 9, 1),
                             end_date=dt.date(2026, 1, 1))
    with time_machine.travel(dt.datetime(today.year, today.month, today.day, 12, 0), tick=False):
        assert triage_context(patient) == {**NOTHING, "on_sact": on_sact}  # 55 and 57 days after


@pytest.mark.django_db
def test_no_profile_means_all_false(patient):
    assert triage_context(patient) == NOTHING


# --- The profile page --------------------------------------------------------------------------

URL = reverse("sideeffects:treatment")


def management(**totals):
    data = {}
    for kind in ("chemotherapy", "immunotherapy", "targeted", "radiation", "surgery", "transplant"):
        data.update({f"{kind}-TOTAL_FORMS": str(totals.get(kind, 1)), f"{kind}-INITIAL_FORMS": "0",
                     f"{kind}-MIN_NUM_FORMS": "0", f"{kind}-MAX_NUM_FORMS": "1000"})
    return data


def profile_post(**extra):
    # The page's one form: the profile, the treatments and the answers about the check.
    return {"cancer_type": "osteosarcoma", "long_term_steroids": "no", **management(),
            "on_sact": "derived", "immunosuppressed": "derived", "ici": "derived", **extra}


@pytest.mark.django_db
def test_a_patient_records_their_cancer_and_treatments(patient_client, patient):
    page = patient_client.get(URL)
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    response = patient_client.post(URL, profile_post(**{
        "chemotherapy-0-start_date": "2026-01-05", "chemotherapy-0-ongoing": "on",
        "radiation-0-body_area": "Left leg", "radiation-0-start_date": "2025-10-01",
        "radiation-0-end_date": "2025-11-01",
        "transplant-0-start_date": "2024-04-04",
    }))
    assert response.status_code == 302
    profile = TreatmentProfile.objects.get(patient=patient)
    assert profile.cancer_type == "osteosarcoma"
    assert sorted(profile.treatments.values_list("kind", flat=True)) == ["chemotherapy", "radiation", "transplant"]
    assert AuditEvent.objects.filter(action="create", object_type="sideeffects.treatmentprofile",
                                     patient=patient).exists()
    page = patient_client.get(URL)
    content = page.content.decode()
    assert "Your treatment profile is saved." in content
    assert "What this means for your check" in content
    assert "You are having chemotherapy or another cancer medicine." in content
    assert "You have had a stem cell transplant." in content
    assert triage_context(patient) == {"on_sact": True, "immunosuppressed": True, "ici": False}


@pytest.mark.django_db
def test_add_another_row_and_remove_one_without_javascript(patient_client, patient):
    data = profile_post(**{"chemotherapy-0-start_date": "2025-01-05", "chemotherapy-0-end_date": "2025-03-01",
                           "add": "chemotherapy"})
    page = patient_client.post(URL, data)
    assert page.status_code == 200
    assert 'name="chemotherapy-1-start_date"' in page.content.decode()
    assert not TreatmentProfile.objects.exists()  # "Add another" saves nothing
    data.pop("add")
    data.update({"chemotherapy-TOTAL_FORMS": "2", "chemotherapy-1-start_date": "2025-06-01",
                 "chemotherapy-1-ongoing": "on"})
    assert patient_client.post(URL, data).status_code == 302
    rows = list(Treatment.objects.filter(profile__patient=patient).order_by("start_date"))
    assert len(rows) == 2
    # Remove the first.
    data = profile_post(**{**management(chemotherapy=2), "chemotherapy-INITIAL_FORMS": "2",
                           "chemotherapy-0-id": str(rows[0].pk), "chemotherapy-0-start_date": "2025-01-05",
                           "chemotherapy-0-end_date": "2025-03-01", "chemotherapy-0-DELETE": "on",
                           "chemotherapy-1-id": str(rows[1].pk), "chemotherapy-1-start_date": "2025-06-01",
                           "chemotherapy-1-ongoing": "on"})
    assert patient_client.post(URL, data).status_code == 302
    assert list(Treatment.objects.filter(profile__patient=patient)) == [rows[1]]


@pytest.mark.django_db
def test_errors_name_the_field(patient_client):
    page = patient_client.post(URL, {**management(), "chemotherapy-0-start_date": "2026-01-05"})
    content = page.content.decode()
    assert page.status_code == 400
    assert "There is a problem" in content
    assert "Choose the kind of cancer, or choose “I am not sure”" in content
    assert 'href="#id_cancer_type_0"' in content and 'id="id_cancer_type_0"' in content
    assert ("Chemotherapy or other cancer medicine 1: Enter the date of the last dose, "
            "or tick “I am still having it”") in content
    assert 'href="#id_chemotherapy-0-end_date"' in content
    assert not TreatmentProfile.objects.exists()


@pytest.mark.django_db
def test_another_patients_treatment_cannot_be_edited(patient_client, patient):
    other = PatientFactory(email="tp2@example.org")
    theirs = Treatment.objects.create(profile=TreatmentProfile.objects.create(patient=other),
                                      kind="chemotherapy", start_date="2025-01-01", ongoing=True)
    data = profile_post(**{**management(), "chemotherapy-INITIAL_FORMS": "1", "chemotherapy-0-id": str(theirs.pk),
                           "chemotherapy-0-start_date": "2025-01-01", "chemotherapy-0-DELETE": "on"})
    patient_client.post(URL, data)
    assert Treatment.objects.filter(pk=theirs.pk).exists()


# --- Corrections ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_correction_is_stored_with_who_and_when_shown_and_audited(patient_client, patient):
    patient_client.post(URL, profile_post())
    response = patient_client.post(URL, profile_post(ici="yes"))
    assert response.status_code == 302
    correction = ContextCorrection.objects.get()
    assert (correction.flag, correction.value, correction.created_by) == ("ici", True, patient)
    assert AuditEvent.objects.filter(action="create", object_type="sideeffects.contextcorrection",
                                     object_id=str(correction.pk), patient=patient).exists()
    assert triage_context(patient) == {**NOTHING, "ici": True}
    page = patient_client.get(URL).content.decode()
    assert "You changed this to “yes”</strong> on" in page
    assert "Your treatments alone show “no”" in page
    # Back to what the treatments show: a new row, the old one kept.
    patient_client.post(URL, profile_post())
    assert ContextCorrection.objects.count() == 2
    assert triage_context(patient) == NOTHING


@pytest.mark.django_db
def test_a_correction_can_turn_a_derived_flag_off(patient_client, patient):
    patient_client.post(URL, profile_post(cancer_type="aml"))
    assert triage_context(patient)["immunosuppressed"] is True
    patient_client.post(URL, profile_post(cancer_type="aml", immunosuppressed="no"))
    assert triage_context(patient) == NOTHING


@pytest.mark.django_db
def test_a_bad_correction_is_an_error_naming_the_flag(patient_client):
    data = profile_post(on_sact="maybe")
    del data["immunosuppressed"]
    page = patient_client.post(URL, data)
    assert page.status_code == 400
    content = page.content.decode()
    assert "Choose an answer for “Cancer medicine in the last 8 weeks”" in content
    assert "Choose an answer for “A weak immune system”" in content
    assert 'href="#id_on_sact_0"' in content
    assert not ContextCorrection.objects.exists()


@pytest.mark.django_db
def test_signed_out_visitors_are_sent_to_sign_in():
    assert Client().get(URL).status_code == 302
    assert Client().post(URL, {}).status_code == 302


@pytest.mark.django_db
def test_the_account_page_links_to_the_profile_and_the_check(patient_client):
    content = patient_client.get(reverse("accounts:home")).content.decode()
    assert 'href="/side-effect-check/treatment/"' in content
    assert 'href="/side-effect-check/?restart=1"' in content
    assert 'href="/side-effect-check/results/"' in content
