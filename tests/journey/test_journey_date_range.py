"""Treatment-plan dates far in the future (year 9999) or past are refused on the field, not a 500:
every later date (each treatment day, the day after the end) must exist (ADR 0023)."""

# ruff: noqa: F811 - the fixtures imported from test_journey_views are taken as test arguments

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from test_journey_views import error_summary, nurse, patient, radiation_plan, signed_in, soup  # noqa: F401

from careguide.journey.models import PlanPhase, TreatmentPlan

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2026, 12, 3, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.mark.parametrize("day", ["9999-12-31", "2032-01-01", "1999-12-31", "0001-01-01"])
def test_applying_a_plan_with_a_start_outside_the_window_is_named(client, nurse, patient, day):
    signed_in(client, nurse)
    response = client.post(reverse("journey:apply", args=[patient.pk]),
                           {"template": "radiation-course", "start_date": day, "weeks": "5"})
    assert response.status_code == 400
    page = soup(response)
    assert error_summary(page) == ["Enter the start date between 2006-12-03 and 2031-12-03."]
    assert page.select_one(".error-summary a")["href"] == "#id_start_date"
    assert not TreatmentPlan.objects.exists()


@pytest.mark.parametrize("start, end, message, field", [
    ("2026-12-07", "9999-12-31", "Enter the end date between 2006-12-03 and 2031-12-03.", "end_date"),
    ("9999-12-30", "9999-12-31", "Enter the start date between 2006-12-03 and 2031-12-03.", "start_date"),
    ("0001-01-01", "2026-12-31", "Enter the start date between 2006-12-03 and 2031-12-03.", "start_date"),
])
def test_moving_a_phase_outside_the_window_is_named_and_nothing_changes(client, nurse, patient, start, end,
                                                                        message, field):
    plan = radiation_plan(patient, nurse, start=dt.date(2026, 12, 7))
    phase = plan.phases.get(key="radiation")
    before = (phase.start_date, phase.end_date, phase.sessions)
    signed_in(client, nurse)
    url = reverse("journey:edit_phase", args=[plan.pk, phase.pk])
    response = client.post(url, {"start_date": start, "end_date": end, "note": ""})
    assert response.status_code == 400
    page = soup(response)
    assert message in error_summary(page)
    assert page.select_one(".error-summary a")["href"] == f"#id_{field}"
    phase.refresh_from_db()
    assert (phase.start_date, phase.end_date, phase.sessions) == before
    assert client.get(url).status_code == 200
    assert client.get(reverse("journey:patient", args=[patient.pk])).status_code == 200


def test_adding_a_phase_in_year_9999_is_named(client, nurse, patient):
    plan = radiation_plan(patient, nurse, start=dt.date(2026, 12, 7))
    signed_in(client, nurse)
    response = client.post(reverse("journey:add_phase", args=[plan.pk]), {
        "title": "Check-up", "purpose": "We see how you are.", "start_date": "9999-12-31",
        "end_date": "9999-12-31", "note": ""})
    assert response.status_code == 400
    assert error_summary(soup(response)) == ["Enter the start date between 2006-12-03 and 2031-12-03.",
                                             "Enter the end date between 2006-12-03 and 2031-12-03."]
    assert not PlanPhase.objects.filter(title="Check-up").exists()


def test_the_last_day_of_the_window_is_accepted(client, nurse, patient):
    plan = radiation_plan(patient, nurse, start=dt.date(2026, 12, 7))
    phase = plan.phases.get(key="radiation")
    signed_in(client, nurse)
    response = client.post(reverse("journey:edit_phase", args=[plan.pk, phase.pk]),
                           {"start_date": "2031-11-24", "end_date": "2031-12-03", "note": ""})
    assert response.status_code == 302
    phase.refresh_from_db()
    assert phase.sessions[-1] == "2031-12-03"
