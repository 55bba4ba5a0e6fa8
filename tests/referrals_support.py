"""People and referrals for the referral tests: a referring doctor, patients, two care teams."""

from __future__ import annotations

from bs4 import BeautifulSoup
from factories import (
    PASSWORD,
    CareTeamFactory,
    GPFactory,
    NurseFactory,
    OncologistFactory,
    PatientFactory,
    ReferralFactory,
)

from careguide.referrals.models import Referral

__all__ = ["PASSWORD", "PATH_TO", "S", "make_gp", "make_patient", "make_staff", "make_referral", "make_people",
           "soup", "text"]

S = Referral.Status
# The shortest way to each status from a new draft (ReferralFactory walks it).
PATH_TO = {
    S.DRAFT: [],
    S.SENT: [S.SENT],
    S.ACCEPTED: [S.SENT, S.ACCEPTED],
    S.SCHEDULED: [S.SENT, S.ACCEPTED, S.SCHEDULED],
    S.COMPLETED: [S.SENT, S.ACCEPTED, S.SCHEDULED, S.COMPLETED],
    S.REJECTED: [S.SENT, S.REJECTED],
    S.CANCELLED: [S.CANCELLED],
}
STAFF = {"nurse": NurseFactory, "oncologist": OncologistFactory}


def make_gp(username, first="Sam", last="Rivera"):
    return GPFactory(username=username, first_name=first, last_name=last)


def make_patient(email, first="Pat"):
    return PatientFactory(email=email, first_name=first)


def make_staff(username, team, role="nurse", first="Nia", last="Nurse"):
    return STAFF[role](username=username, team=team, first_name=first, last_name=last)


def make_referral(gp, patient, status=S.SENT, *, urgency="routine", team=None, actor=None, reason="Lump in the thigh"):
    """A referral moved to ``status`` along the shortest path (accepting for ``team``)."""
    return ReferralFactory(referrer=gp, patient=patient, status=status, urgency=urgency, team=team, actor=actor,
                           reason=reason)


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def text(response) -> str:
    return " ".join(soup(response).get_text(" ").split())


def make_people():
    """A referring doctor and another, two patients, two care teams with their staff."""
    team = CareTeamFactory(name="Oncology team A")
    other_team = CareTeamFactory(name="Oncology team B")
    return type("People", (), {
        "gp": make_gp("dr.rivera"),
        "other_gp": make_gp("dr.okafor", "Ada", "Okafor"),
        "patient": make_patient("pat@example.org", "Pat"),
        "other_patient": make_patient("oscar@example.org", "Oscar"),
        "team": team,
        "other_team": other_team,
        "nurse": make_staff("nurse.nia", team),
        "oncologist": make_staff("dr.shah", team, "oncologist", "Priya", "Shah"),
        "other_nurse": make_staff("nurse.olu", other_team, first="Olu", last="Ade"),
    })
