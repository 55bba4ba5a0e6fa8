"""The treatment profile page keeps everything a patient types: one form, one Save that stores the
cancer, the treatments and the answers about what they mean for the check, or stores nothing and
says so (issue 14, item 7)."""

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse
from factories import PatientFactory

from careguide.audit.models import AuditEvent
from careguide.sideeffects.models import ContextCorrection, TreatmentProfile
from careguide.sideeffects.profile import triage_context

pytestmark = pytest.mark.django_db

KINDS = ("chemotherapy", "immunotherapy", "targeted", "radiation", "surgery", "transplant")
DERIVED = {"on_sact": "derived", "immunosuppressed": "derived", "ici": "derived"}


@pytest.fixture
def patient(db):
    return PatientFactory(email="tf@example.org")


@pytest.fixture
def client(patient):
    client = Client()
    client.force_login(patient)
    return client


def url():
    return reverse("sideeffects:treatment")


def management():
    data = {}
    for kind in KINDS:
        data.update({f"{kind}-TOTAL_FORMS": "1", f"{kind}-INITIAL_FORMS": "0",
                     f"{kind}-MIN_NUM_FORMS": "0", f"{kind}-MAX_NUM_FORMS": "1000"})
    return data


def page_form(**extra):
    return {"cancer_type": "ewing", "long_term_steroids": "no", **management(), **DERIVED, **extra}


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def test_the_page_is_one_form_whose_one_save_button_covers_every_field(client):
    page = soup(client.get(url()))
    forms = page.select("main form[method=post]")
    assert len(forms) == 1, [f.get("action") for f in forms]
    names = {field["name"] for field in page.select("main input[name], main select[name], main textarea[name]")}
    inside = {field["name"] for field in forms[0].select("input[name], select[name], textarea[name]")}
    assert names == inside
    assert {"cancer_type", "long_term_steroids", "on_sact", "immunosuppressed", "ici"} <= inside


def test_one_save_stores_the_profile_the_treatments_and_the_corrections_together(client, patient):
    response = client.post(url(), page_form(**{
        "chemotherapy-0-start_date": "2026-01-05", "chemotherapy-0-ongoing": "on", "ici": "yes"}))
    assert response.status_code == 302
    profile = TreatmentProfile.objects.get(patient=patient)
    assert profile.cancer_type == "ewing"
    assert list(profile.treatments.values_list("kind", flat=True)) == ["chemotherapy"]
    correction = ContextCorrection.objects.get()
    assert (correction.flag, correction.value, correction.created_by) == ("ici", True, patient)
    assert triage_context(patient)["ici"] is True
    assert AuditEvent.objects.filter(object_type="sideeffects.contextcorrection", patient=patient).count() == 1
    again = client.get(url())
    content = again.content.decode()
    assert "Your treatment profile is saved." in content
    assert soup(again).select_one("input[name=ici][value=yes]").has_attr("checked")
    assert soup(again).select_one("input[name=cancer_type][value=ewing]").has_attr("checked")


def test_a_mistake_anywhere_saves_nothing_says_so_and_keeps_every_answer(client, patient):
    response = client.post(url(), page_form(**{"cancer_type": "", "chemotherapy-0-start_date": "2026-01-05",
                                                "chemotherapy-0-ongoing": "on", "on_sact": "no"}))
    assert response.status_code == 400
    page = soup(response)
    assert "Nothing on this page was saved" in page.select_one(".error-summary").get_text()
    assert page.select_one("input[name=on_sact][value=no]").has_attr("checked")
    assert page.select_one("input[name='chemotherapy-0-start_date']")["value"] == "2026-01-05"
    assert page.select_one("input[name='chemotherapy-0-ongoing']").has_attr("checked")
    assert not TreatmentProfile.objects.exists() and not ContextCorrection.objects.exists()


def test_add_another_keeps_every_answer_and_says_nothing_is_saved_yet(client):
    response = client.post(url(), page_form(add="surgery", ici="no", cancer_type="aml"))
    assert response.status_code == 200
    page = soup(response)
    assert page.select_one("input[name='surgery-1-start_date']") is not None
    assert page.select_one("input[name=ici][value=no]").has_attr("checked")
    assert page.select_one("input[name=cancer_type][value=aml]").has_attr("checked")
    assert "Nothing is saved yet" in page.get_text()
    assert page.select_one(".error-summary") is None
    assert not TreatmentProfile.objects.exists()


def test_a_bad_answer_about_the_check_is_an_error_naming_it(client):
    response = client.post(url(), page_form(on_sact="maybe"))
    assert response.status_code == 400
    summary = soup(response).select_one(".error-summary")
    assert "Choose an answer for “Cancer medicine in the last 8 weeks”" in summary.get_text()
    assert summary.select_one("a[href='#id_on_sact_0']") is not None
    assert not TreatmentProfile.objects.exists()
