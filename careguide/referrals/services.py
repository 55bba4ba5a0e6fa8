"""Referral writes, each in one transaction with its audit row, and who sees which referral.

Status changes go through ``workflow`` (it locks the referral, checks the move and writes the
status row); this module adds what a step needs around it: accepting also names the care team
and gives that team the patient, a pre-visit answer is linked to its referral.

Who sees a referral:
- the primary-care clinician who made it (every status, drafts included);
- the patient, once it is sent (a draft is the doctor's unfinished work);
- Cancer Care staff: every *sent* referral, whoever the patient, because the department's
  intake queue must see a new referral before any team looks after the patient; after that,
  the referrals their own teams accepted, for patients still in those teams
  (``careteam.scoping.scope``, so removing a patient from the team also ends this).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, QuerySet

from careguide.accounts import once
from careguide.accounts.roles import PATIENTS, is_primary_care
from careguide.audit import service as audit
from careguide.careteam import scoping
from careguide.careteam import services as careteam
from careguide.careteam.models import CareTeam

from . import workflow
from .models import Appointment, Referral, ReferralStatus

S = Referral.Status
PREVISIT_URL = "http://careguide.invalid/fhir/Questionnaire/pre-visit"
# The referral's patient may prepare for (and answer questions before) the first visit.
PREPARE_STATUSES = frozenset({S.ACCEPTED, S.SCHEDULED})

NO_PATIENT_ACCOUNT = (
    "No patient account uses this email address. The patient must register first: "
    "we do not create accounts for people."
)


class ReferralError(ValueError):
    """A step that cannot be taken; ``field`` names the form field to show it on."""

    def __init__(self, message: str, field: str = "status"):
        super().__init__(message)
        self.field = field


# --- who sees what ---------------------------------------------------------------------------

def for_referrer(user) -> QuerySet:
    """The referrals a primary-care clinician made; nothing for anyone else."""
    if not is_primary_care(user):
        return Referral.objects.none()
    return Referral.objects.filter(referrer=user)


def for_patient(user) -> QuerySet:
    """A patient's own referrals, once their doctor has sent them."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Referral.objects.none()
    return Referral.objects.filter(patient=user).exclude(status=S.DRAFT)


def for_care_team(user) -> QuerySet:
    """Sent referrals (the intake queue) and those the user's teams accepted (module docstring)."""
    if not scoping.is_care_team(user):
        return Referral.objects.none()
    teams = CareTeam.objects.filter(memberships__user=user)
    own_teams = scoping.scope(Referral.objects.filter(team__in=teams), user).exclude(status=S.DRAFT)
    return Referral.objects.filter(Q(status=S.SENT) | Q(pk__in=own_teams.values("pk")))


def visible_to(user) -> QuerySet:
    """Every referral ``user`` may read, in any of the roles above (FHIR uses this)."""
    return Referral.objects.filter(
        Q(pk__in=for_referrer(user).values("pk"))
        | Q(pk__in=for_patient(user).values("pk"))
        | Q(pk__in=for_care_team(user).values("pk"))
    )


def teams_of(user) -> QuerySet:
    """The care teams ``user`` is a member of: the teams they may accept a referral for."""
    if not scoping.is_care_team(user):
        return CareTeam.objects.none()
    return CareTeam.objects.filter(memberships__user=user).distinct()


def find_patient(email: str):
    """The registered patient account with this email (or username), or None."""
    email = (email or "").strip()
    if not email:
        return None
    User = get_user_model()
    return (
        User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email), groups__name=PATIENTS, is_active=True)
        .order_by("pk")
        .first()
    )


def appointments_of(referral: Referral) -> list[Appointment]:
    """The referral's appointments, booked first, with their slot and clinician."""
    rows = Appointment.objects.filter(referral=referral).select_related("slot", "slot__clinician")
    return sorted(rows, key=lambda a: (a.status != Appointment.Status.BOOKED, a.slot.start))


# --- writes ----------------------------------------------------------------------------------

@transaction.atomic
def create(referrer, *, patient, reason: str, urgency: str, notes: str = "", send: bool = False,
           submission_key: str = "") -> Referral:
    """A new referral from a primary-care clinician: saved as a draft, and sent when ``send``.

    ``submission_key`` is the one-time key of the form: the same form sent twice (a double
    click, back and resend) returns the referral the first sending made (accounts.once)."""
    if not is_primary_care(referrer):
        raise ReferralError("Only a primary-care clinician can refer a patient.")
    # Serialise a doctor's referrals, so the second of a form sent twice at once finds the first.
    list(get_user_model().objects.select_for_update().filter(pk=referrer.pk).values_list("pk", flat=True))
    if (same := once.made_with(referrer, submission_key, Referral)) is not None:
        return same
    referral = Referral(patient=patient, referrer=referrer, reason=reason.strip(), notes=notes.strip(),
                        urgency=urgency)
    workflow.start(referral, actor=referrer)
    once.remember(referrer, submission_key, referral)
    if send:
        return workflow.move(referral, S.SENT, actor=referrer)
    return referral


def _move(referral: Referral, target: str, actor, reason: str = "") -> Referral:
    """The move through ``workflow``; the same move by the same person sent twice returns the
    referral as the first made it, marked ``replayed``."""
    try:
        return workflow.move(referral, target, actor=actor, reason=reason)
    except workflow.TransitionError as exc:
        if exc.field == "status" and (same := _moved_so(referral, target, actor, reason)) is not None:
            return same
        raise ReferralError(_friendly(referral, target, exc), exc.field) from exc


def _moved_so(referral: Referral, target: str, actor, reason: str) -> Referral | None:
    latest = ReferralStatus.objects.filter(referral_id=referral.pk).order_by("-at", "-pk").first()
    if (latest is None or latest.status != target or latest.by_id != getattr(actor, "pk", None)
            or latest.reason != (reason or "").strip()):
        return None
    same = Referral.objects.get(pk=referral.pk)
    same.replayed = True
    return same


def _friendly(referral: Referral, target: str, exc: workflow.TransitionError) -> str:
    """Say plainly when someone else made the move first (the row was re-read under the lock)."""
    if exc.field != "status":
        return str(exc)
    now = Referral.objects.filter(pk=referral.pk).values_list("status", flat=True).first()
    latest = referral.history.order_by("-at", "-pk").first() if now else None
    who = latest.by_label if latest is not None and latest.by_label else "someone else"
    if now == target:
        return f"This referral was already {S(target).label.lower()} by {who}. Nothing was changed."
    if now and now != referral.status:
        return f"This referral changed while you were looking at it: {who} made it {S(now).label.lower()}. " \
               "Nothing was changed."
    return str(exc)


def send(referral: Referral, actor) -> Referral:
    return _move(referral, S.SENT, actor)


def cancel(referral: Referral, actor, reason: str) -> Referral:
    return _move(referral, S.CANCELLED, actor, reason)


def reject(referral: Referral, actor, reason: str) -> Referral:
    return _move(referral, S.REJECTED, actor, reason)


def complete(referral: Referral, actor) -> Referral:
    return _move(referral, S.COMPLETED, actor)


@transaction.atomic
def accept(referral: Referral, actor, team: CareTeam) -> Referral:
    """Accept for one of ``actor``'s teams: the move, the team on the referral and the patient
    in that team (so the team now sees their data), all or nothing."""
    if not teams_of(actor).filter(pk=team.pk).exists():
        raise ReferralError("Choose one of your own care teams.", field="team")
    locked = _move(referral, S.ACCEPTED, actor)
    if getattr(locked, "replayed", False):
        return locked
    locked.team = team
    locked.save(update_fields=["team"])
    careteam.assign_patient(actor, team, locked.patient)
    audit.record(actor, audit.UPDATE, locked, patient=locked.patient, detail=f"referral team {team.pk}")
    referral.team = team
    return locked


@transaction.atomic
def save_previsit(referral: Referral, response, actor) -> Referral:
    """Link the patient's pre-visit answers to their referral (the latest answers win)."""
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if locked.status not in PREPARE_STATUSES or locked.patient_id != response.subject_id:
        raise ReferralError("These answers can no longer be changed: the visit has passed or was cancelled.")
    locked.previsit_response = response
    locked.save(update_fields=["previsit_response"])
    audit.record(actor, audit.UPDATE, locked, patient=locked.patient, detail="pre-visit answers")
    referral.previsit_response = response
    return locked
