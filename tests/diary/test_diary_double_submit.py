"""The same diary form sent twice stores one entry and raises one alert (issue 14, item 9).

A double click sends the form twice at once; back and resend sends it again later. Either way
the person lands on the page of the entry they saved, the day holds one entry more (not two)
and the care team gets one alert for the findings, not two. A form shown afresh is a new
entry, as a correction later in the day should be.
"""

import pytest
from bs4 import BeautifulSoup
from concurrency_support import run_together
from diary_support import quiet_day
from django.test import Client
from django.urls import reverse
from factories import PatientFactory

from careguide.alerts.models import Alert, TriageEvent
from careguide.diary import services, wording
from careguide.diary.models import DiaryEntry


def make_patient(username="twice@example.org"):
    patient = PatientFactory(email=username, first_name="")
    services.set_tracked(patient, list(wording.DEFAULT_TERMS))
    return patient


def shown_form(client) -> dict:
    """Today's form as the browser got it: its hidden one-time key with the answers."""
    page = BeautifulSoup(client.get(reverse("diary:today")).content, "html.parser")
    hidden = page.select_one("main form input[type=hidden][name=submission]")
    assert hidden is not None and len(hidden["value"]) >= 16
    return quiet_day(chest_pain="yes", submission=hidden["value"])  # an emergency: it raises an alert


@pytest.mark.django_db
def test_sending_the_form_again_lands_on_the_same_entry_and_stores_nothing_more(client):
    patient = make_patient()
    client.force_login(patient)
    answers = shown_form(client)
    first = client.post(reverse("diary:today"), answers)
    again = client.post(reverse("diary:today"), answers)  # back, and send again
    assert first.status_code == again.status_code == 302
    assert again.url == first.url and first.url.startswith("/diary/entries/")
    assert DiaryEntry.objects.filter(patient=patient).count() == 1
    assert TriageEvent.objects.filter(patient=patient).count() == 1
    assert Alert.objects.filter(patient=patient).count() == 1
    assert client.get(again.url).status_code == 200


@pytest.mark.django_db
def test_a_form_shown_afresh_is_a_new_version(client):
    patient = make_patient()
    client.force_login(patient)
    first = client.post(reverse("diary:today"), shown_form(client))
    second = client.post(reverse("diary:today"), shown_form(client))
    assert first.url != second.url
    assert list(DiaryEntry.objects.filter(patient=patient).order_by("version").values_list("version", "superseded")) \
        == [(1, True), (2, False)]


@pytest.mark.django_db
def test_a_form_without_a_usable_key_is_still_saved(client):
    patient = make_patient()
    client.force_login(patient)
    for key in ("", "<script>", "x" * 65):
        assert client.post(reverse("diary:today"), quiet_day(submission=key)).status_code == 302
    assert DiaryEntry.objects.filter(patient=patient).count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_double_click_stores_one_entry_and_raises_one_alert():
    patient = make_patient()
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(patient)
    answers = shown_form(clients[0])
    results = run_together(2, lambda i: clients[i].post(reverse("diary:today"), answers))
    assert [getattr(r, "status_code", r) for r in results] == [302, 302], results
    assert results[0].url == results[1].url
    assert DiaryEntry.objects.filter(patient=patient).count() == 1
    assert Alert.objects.filter(patient=patient).count() == 1
