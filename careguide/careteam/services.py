"""Writes to care teams, each audited in the same transaction.

Who is in which team decides whose health data a member of staff can see
(careguide.careteam.scoping), so every change to it is recorded: who made it and when.
The admin screens (wagtail_hooks.py), the demo accounts and registration all come here.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction

from careguide.accounts.roles import CARE_TEAM_GROUPS, is_patient
from careguide.audit import service as audit

from .models import CareTeam, Membership, TeamPatient

logger = logging.getLogger(__name__)


class CareTeamError(ValueError):
    """A change that would give the wrong person access to patient data."""


def sync_role_groups(user) -> None:
    """Put `user` in the Nurses/Oncologists groups that match their memberships, and only those."""
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    for role, name in CARE_TEAM_GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        if role in roles:
            user.groups.add(group)
        else:
            user.groups.remove(group)


def check_member(user) -> None:
    # A patient in a team would see the other patients' health data.
    if is_patient(user):
        raise CareTeamError("A patient account cannot be a care-team member.")
    if not user.is_active:
        raise CareTeamError("An inactive account cannot be a care-team member.")


def check_patient(user) -> None:
    if not is_patient(user):
        raise CareTeamError("Only a patient account (in the Patients group) can be a team's patient.")


# --- teams -------------------------------------------------------------------------------------

@transaction.atomic
def team_saved(actor, team: CareTeam, *, created: bool, system: str = "") -> None:
    audit.record(actor, audit.CREATE if created else audit.UPDATE, team, detail="care team", system=system)


@transaction.atomic
def delete_team(actor, team: CareTeam) -> None:
    """Delete a team, its memberships and patient links, each deletion audited."""
    for membership in list(team.memberships.select_related("user")):
        remove_member(actor, membership)
    for link in list(team.patient_links.select_related("patient")):
        remove_patient(actor, link)
    team_id = team.pk
    team.delete()
    audit.record(actor, audit.DELETE, object_type="careteam.careteam", object_id=team_id, detail="care team")


# --- members -----------------------------------------------------------------------------------

@transaction.atomic
def add_member(actor, team: CareTeam, user, role: str, *, system: str = "") -> Membership:
    check_member(user)
    membership = Membership.objects.create(team=team, user=user, role=role)
    member_saved(actor, membership, created=True, system=system)
    return membership


@transaction.atomic
def member_saved(actor, membership: Membership, *, created: bool, system: str = "") -> None:
    """After a membership row was written (here or by the admin's form)."""
    check_member(membership.user)
    sync_role_groups(membership.user)
    audit.record(actor, audit.CREATE if created else audit.UPDATE, membership, system=system,
                 detail=f"member user {membership.user_id} as {membership.role} in team {membership.team_id}")


@transaction.atomic
def remove_member(actor, membership: Membership) -> None:
    user, membership_id = membership.user, membership.pk
    detail = f"member user {membership.user_id} as {membership.role} in team {membership.team_id}"
    membership.delete()
    sync_role_groups(user)
    audit.record(actor, audit.DELETE, object_type="careteam.membership", object_id=membership_id, detail=detail)


# --- patients ----------------------------------------------------------------------------------

@transaction.atomic
def assign_patient(actor, team: CareTeam, patient, *, system: str = "") -> TeamPatient:
    check_patient(patient)
    link, created = TeamPatient.objects.get_or_create(team=team, patient=patient)
    if created:
        patient_link_saved(actor, link, created=True, system=system)
    return link


@transaction.atomic
def patient_link_saved(actor, link: TeamPatient, *, created: bool, system: str = "") -> None:
    check_patient(link.patient)
    audit.record(actor, audit.CREATE if created else audit.UPDATE, link, patient=link.patient, system=system,
                 detail=f"patient in team {link.team_id}")


@transaction.atomic
def remove_patient(actor, link: TeamPatient) -> None:
    patient, link_id, team_id = link.patient, link.pk, link.team_id
    link.delete()
    audit.record(actor, audit.DELETE, object_type="careteam.teampatient", object_id=link_id, patient=patient,
                 detail=f"patient in team {team_id}")


def assign_default_team(patient) -> TeamPatient | None:
    """Place a newly registered patient in CAREGUIDE_DEFAULT_CARE_TEAM, when that is set.

    Off by default: in a real service an administrator decides which team looks after whom.
    A name that matches no team is logged and skipped, so registration never fails for it.
    """
    name = getattr(settings, "CAREGUIDE_DEFAULT_CARE_TEAM", "")
    if not name:
        return None
    team = CareTeam.objects.filter(name=name).first()
    if team is None:
        logger.warning("CAREGUIDE_DEFAULT_CARE_TEAM names no care team (%r); the patient has no team", name)
        return None
    # Made by configuration, not by a person; recorded as such.
    return assign_patient(None, team, patient, system="CAREGUIDE_DEFAULT_CARE_TEAM")
