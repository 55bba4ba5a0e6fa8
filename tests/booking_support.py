"""Shared makers for the booking tests (tests/test_booking_*.py): people, teams, referrals, slots.

Time: tests travel to MONDAY_8AM (local, America/Los_Angeles), before the demo clinic's
morning session, so "today" has free slots and the week ahead is predictable.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.urls import reverse
from factories import (
    PASSWORD,
    CareTeamFactory,
    ClinicSessionFactory,
    GPFactory,
    PatientFactory,
    SlotFactory,
    UserFactory,
)

from careguide.careteam import services as careteam
from careguide.careteam.models import CareTeam
from careguide.referrals import workflow
from careguide.referrals.models import Referral, Slot

LOCAL = ZoneInfo("America/Los_Angeles")
MONDAY_8AM = dt.datetime(2026, 11, 23, 8, 0, tzinfo=LOCAL)
__all__ = ["PASSWORD", "LOCAL", "MONDAY_8AM", "local", "patient", "staff", "team_with", "gp", "referral", "slot",
           "session"]


def local(day_offset: int, hour: int, minute: int = 0) -> dt.datetime:
    """An aware time ``day_offset`` days after MONDAY_8AM's date, at hour:minute local time."""
    day = MONDAY_8AM.date() + dt.timedelta(days=day_offset)
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL)


def patient(email: str, first_name: str = "Pat"):
    return PatientFactory(email=email, first_name=first_name)


def staff(username: str, **extra):
    return UserFactory(username=username, email=f"{username}@example.org", **extra)


def team_with(name: str, *, nurse, patients=(), clinician=None) -> CareTeam:
    team = CareTeamFactory(name=name)
    careteam.add_member(None, team, nurse, "nurse")
    if clinician is not None:
        careteam.add_member(None, team, clinician, "oncologist")
    for person in patients:
        careteam.assign_patient(None, team, person)
    return team


def gp(username: str = "gp.test"):
    return GPFactory(username=username, email=f"{username}@example.org")


def referral(person, referrer, *, team=None, urgency="routine", status="accepted") -> Referral:
    """A referral of ``person`` moved through the workflow to ``status``."""
    made = workflow.start(Referral(patient=person, referrer=referrer, reason="Bone pain", urgency=urgency,
                                   team=team), actor=referrer)
    path = {"draft": [], "sent": ["sent"], "accepted": ["sent", "accepted"],
            "scheduled": ["sent", "accepted", "scheduled"]}[status]
    for step in path:
        workflow.move(made, step, actor=referrer)
    made.refresh_from_db()
    return made


def slot(clinician, start: dt.datetime, *, minutes: int = 30, location: str = "fremont") -> Slot:
    return SlotFactory(clinician=clinician, location=location, start=start, minutes=minutes)


def session(clinician, weekday: int = 0, start=(9, 0), end=(12, 0), location="fremont", minutes=30):
    return ClinicSessionFactory(clinician=clinician, location=location, weekday=weekday,
                                start_time=dt.time(*start), end_time=dt.time(*end), slot_minutes=minutes)


def book_url(ref):
    return reverse("appointments:book", kwargs={"referral_pk": ref.pk})
