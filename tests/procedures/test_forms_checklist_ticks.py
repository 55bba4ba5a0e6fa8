"""Checklist ticks are saved as they are made (issue 14, item 7): with JavaScript the page posts
each tick to its own address, which answers JSON with the new "N of M"; without JavaScript the
button still saves everything, and the page says that it must be pressed."""

import datetime as dt
import json

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse
from factories import NurseFactory, PatientFactory

from careguide.audit.models import AuditEvent
from careguide.procedures import checklists
from careguide.procedures.models import SavedChecklist

pytestmark = pytest.mark.django_db

TOTAL = len(checklists.get("biopsy").tick_ids())
NOW = dt.datetime(2026, 11, 21, 18, 0, tzinfo=dt.UTC)  # 10:00 in California


@pytest.fixture
def patient(db):
    return PatientFactory(email="tick@example.org", first_name="Tia")


@pytest.fixture
def signed_in(patient):
    client = Client(enforce_csrf_checks=True)
    client.force_login(patient)
    return client


def tick_url(slug="biopsy"):
    return reverse("procedures:tick", args=[slug])


def page_url(slug="biopsy"):
    return reverse("procedures:detail", args=[slug])


def csrf(client):
    """The token the page's form carries, as the script sends it."""
    page = BeautifulSoup(client.get(page_url()).content, "html.parser")
    return page.select_one("form.procedures-form input[name=csrfmiddlewaretoken]")["value"]


def tick(client, item, ticked=True, token=None):
    data = {"item": item, "ticked": "true" if ticked else "false"}
    if token is not None:
        data["csrfmiddlewaretoken"] = token
    return client.post(tick_url(), data)


def test_a_tick_is_saved_at_once_and_answers_the_new_count(signed_in, patient):
    token = csrf(signed_in)
    response = tick(signed_in, "bring-id", token=token)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    body = json.loads(response.content)
    assert (body["item"], body["ticked"], body["done"], body["total"]) == ("bring-id", True, 1, TOTAL)
    assert body["message"] == f"Saved. You have done 1 of {TOTAL} things on this list."
    tick(signed_in, "know-the-type", token=token)
    # The page, reloaded, shows both ticks and the count.
    page = BeautifulSoup(signed_in.get(page_url()).content, "html.parser")
    assert {box["value"] for box in page.select("input[name=ticked][checked]")} == {"bring-id", "know-the-type"}
    assert page.select_one("#progress-count").get_text() == f"2 of {TOTAL}"
    body = json.loads(tick(signed_in, "bring-id", ticked=False, token=token).content)
    assert (body["ticked"], body["done"]) == (False, 1)
    assert SavedChecklist.objects.get(patient=patient).ticked == ["know-the-type"]


@time_machine.travel(NOW, tick=False)
def test_a_tick_keeps_the_date_and_reminder_saved_with_the_button(signed_in, patient):
    token = csrf(signed_in)
    signed_in.post(page_url(), {"ticked": ["rest"], "procedure_date": "2027-06-07", "remind": "on",
                                "csrfmiddlewaretoken": token})
    tick(signed_in, "bring-id", token=token)
    saved = SavedChecklist.objects.get(patient=patient)
    assert set(saved.ticked) == {"bring-id", "rest"}
    assert (str(saved.procedure_date), saved.remind) == ("2027-06-07", True)


def test_each_tick_is_audited_without_naming_the_item(signed_in, patient):
    token = csrf(signed_in)
    tick(signed_in, "bring-id", token=token)
    tick(signed_in, "rest", token=token)
    events = list(AuditEvent.objects.filter(object_type="procedures.savedchecklist").order_by("pk"))
    assert [e.action for e in events] == ["create", "update"]
    assert all(e.patient_id == patient.pk and "bring-id" not in e.detail and "rest" not in e.detail for e in events)


def test_bad_ticks_are_refused_naming_the_field(signed_in):
    token = csrf(signed_in)
    unknown = tick(signed_in, "not-an-item", token=token)
    assert unknown.status_code == 400
    assert "item" in json.loads(unknown.content)["errors"]
    state = signed_in.post(tick_url(), {"item": "bring-id", "ticked": "maybe", "csrfmiddlewaretoken": token})
    assert state.status_code == 400 and "ticked" in json.loads(state.content)["errors"]
    assert signed_in.post(reverse("procedures:tick", args=["brain-surgery"]),
                          {"item": "x", "ticked": "true", "csrfmiddlewaretoken": token}).status_code == 404
    assert not SavedChecklist.objects.exists()


def test_a_tick_needs_the_forms_csrf_token(signed_in):
    assert tick(signed_in, "bring-id").status_code == 403
    assert not SavedChecklist.objects.exists()


def test_only_a_signed_in_patient_can_save_a_tick(client):
    assert tick(client, "bring-id").status_code == 403
    client.force_login(NurseFactory())
    assert tick(client, "bring-id").status_code == 403
    assert client.get(tick_url()).status_code == 405
    assert not SavedChecklist.objects.exists()


def test_the_page_loads_the_script_and_says_how_ticks_are_saved(signed_in):
    page = BeautifulSoup(signed_in.get(page_url()).content, "html.parser")
    form = page.select_one("form.procedures-form")
    assert form["data-tick-url"] == tick_url()
    assert page.select_one("script[src$='procedures/checklist.js'][defer]") is not None
    hint = page.select_one("#tick-hint")
    # Without JavaScript the page says plainly that the button saves the ticks; the script
    # swaps in the sentence for ticks that save themselves.
    assert "press “Save my checklist”" in hint.get_text()
    assert "saved as soon as you tick" in hint["data-js-text"]
    assert page.select_one("#tick-status[role=status]") is not None
