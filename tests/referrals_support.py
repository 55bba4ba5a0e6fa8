"""People and referrals for the referral tests: a referring doctor, patients, two care teams."""

from __future__ import annotations

from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from careguide.accounts import forms as account_forms
from careguide.accounts import services as accounts
from careguide.accounts.roles import PRIMARY_CARE
from careguide.careteam import services as careteam
from careguide.careteam.models import CareTeam
from careguide.referrals import services, workflow
from careguide.referrals.models import Referral

PASSWORD = "a calm walk by the river 7"
S = Referral.Status
# The shortest way to each status from a new draft.
PATH_TO = {
    S.DRAFT: [],
    S.SENT: [S.SENT],
    S.ACCEPTED: [S.SENT, S.ACCEPTED],
    S.SCHEDULED: [S.SENT, S.ACCEPTED, S.SCHEDULED],
    S.COMPLETED: [S.SENT, S.ACCEPTED, S.SCHEDULED, S.COMPLETED],
    S.REJECTED: [S.SENT, S.REJECTED],
    S.CANCELLED: [S.CANCELLED],
}


def make_gp(username, first="Sam", last="Rivera"):
    user = get_user_model().objects.create_user(username, f"{username}@clinic.example", PASSWORD,
                                                first_name=first, last_name=last)
    user.groups.add(Group.objects.get_or_create(name=PRIMARY_CARE)[0])
    return user


def make_patient(email, first="Pat"):
    return accounts.register_patient(email=email, password=PASSWORD, first_name=first,
                                     consent_wording=account_forms.CONSENT_WORDING)


def make_staff(username, team, role="nurse", first="Nia", last="Nurse"):
    user = get_user_model().objects.create_user(username, f"{username}@clinic.example", PASSWORD,
                                                first_name=first, last_name=last)
    careteam.add_member(None, team, user, role)
    return user


def make_referral(gp, patient, status=S.SENT, *, urgency="routine", team=None, actor=None, reason="Lump in the thigh"):
    """A referral moved to ``status`` along the shortest path (accepting for ``team``)."""
    referral = services.create(gp, patient=patient, reason=reason, urgency=urgency, notes="X-ray attached")
    staff = None
    for step in PATH_TO[status]:
        if step == S.ACCEPTED:
            team = team or CareTeam.objects.create(name=f"Team for referral {referral.pk}")
            if actor is not None and team.memberships.filter(user=actor).exists():
                staff = actor
            else:
                member = team.memberships.first()
                staff = member.user if member else make_staff(f"staff-{referral.pk}", team)
            services.accept(referral, staff, team)
        else:
            reason_text = "Seen elsewhere" if step in workflow.NEEDS_REASON else ""
            workflow.move(referral, step, actor=staff or actor or gp, reason=reason_text)
    return Referral.objects.get(pk=referral.pk)


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def text(response) -> str:
    return " ".join(soup(response).get_text(" ").split())


def make_people():
    """A referring doctor and another, two patients, two care teams with their staff."""
    team = CareTeam.objects.create(name="Oncology team A")
    other_team = CareTeam.objects.create(name="Oncology team B")
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
