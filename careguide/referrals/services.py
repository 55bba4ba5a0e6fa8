"""Referral writes, each in one transaction with its audit row, and who sees which referral.

Status changes go through ``workflow`` (it locks the referral, checks the move and writes the
status row); this module adds what a step needs around it: accepting also names the care team,
a pre-visit answer is linked to its referral, and the patient's agreement (``share_records``)
makes them a patient of that team.

Who sees a referral:
- the primary-care clinician who made it (every status, drafts included);
- the patient, once it is sent (a draft is the doctor's unfinished work);
- Cancer Care staff: every *sent* referral, whoever the patient, because the department's
  intake queue must see a new referral before any team looks after the patient; after that,
  the referrals their own teams accepted (``careteam.scoping.scope_referral``).

Accepting a referral does not show the team the patient's earlier records (diary, checks,
answers, plans): the patient agrees first, on their referral page, to words that say what the
team will see (``SHARING_WORDING``); ``share_records`` stores that agreement as a
``ReferralConsent`` row and places the patient in the team (ADR 0023).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, QuerySet

from careguide.accounts import once
from careguide.accounts.names import display_name
from careguide.accounts.roles import PATIENTS, is_primary_care
from careguide.audit import service as audit
from careguide.careteam import scoping
from careguide.careteam import services as careteam
from careguide.careteam.models import CareTeam, TeamPatient

from . import workflow
from .models import Appointment, Referral, ReferralConsent, ReferralStatus

S = Referral.Status
PREVISIT_URL = "http://careguide.invalid/fhir/Questionnaire/pre-visit"
# The referral's patient may prepare for (and answer questions before) the first visit.
PREPARE_STATUSES = frozenset({S.ACCEPTED, S.SCHEDULED})
# The patient may let the team that accepted their referral see their other records.
SHARE_STATUSES = frozenset({S.ACCEPTED, S.SCHEDULED, S.COMPLETED})
# What the patient reads before agreeing (stored with their agreement); {team} is the team's name.
SHARING_WORDING = (
    "{team} has your referral. They can already see the referral, book your first visit and read "
    "the answers you send them before it. They would also like to see what you have saved on this "
    "site: your symptom diary, your side-effect checks and their results, your answers to questions, "
    "your treatment plans and your checklists. This helps them care for you. They will see it only "
    "if you say yes, and from then on they will also see what you add. If you say nothing, you can "
    "still have your visit."
)
ASKED, SHARED = "asked", "shared"

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
    own_teams = scoping.scope_referral(Referral.objects.all(), user, referral_field="")
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
    """Accept for one of ``actor``'s teams: the move and the team on the referral, together. The
    team sees the referral from now on, and the rest of the patient's data once they agree."""
    if not teams_of(actor).filter(pk=team.pk).exists():
        raise ReferralError("Choose one of your own care teams.", field="team")
    locked = _move(referral, S.ACCEPTED, actor)
    if getattr(locked, "replayed", False):
        return locked
    locked.team = team
    locked.save(update_fields=["team"])
    # The team sees the referral; the patient's other records wait for the patient (share_records).
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


def sharing(referral: Referral) -> str:
    """Whether to ask the patient: ASKED (the accepting team waits for their agreement), SHARED
    (they agreed), or "" (nothing to ask: no team yet, the referral ended, or the team already
    looks after the patient)."""
    if referral.team_id is None or referral.status not in SHARE_STATUSES:
        return ""
    if ReferralConsent.objects.filter(referral=referral).exists():
        return SHARED
    if TeamPatient.objects.filter(team_id=referral.team_id, patient_id=referral.patient_id).exists():
        return ""
    return ASKED


def sharing_wording(referral: Referral) -> str:
    return SHARING_WORDING.format(team=referral.team.name if referral.team else "The Cancer Care team")


@transaction.atomic
def share_records(referral: Referral, patient) -> Referral:
    """The patient agrees that the team that accepted their referral sees their records: the
    agreement (with the words shown) and the patient in the team, audited, together. Agreeing
    twice (a double click) changes nothing the second time."""
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if locked.patient_id != patient.pk:
        raise ReferralError("Only the patient can agree to this.", field="share")
    if locked.team_id is None or locked.status not in SHARE_STATUSES:
        raise ReferralError("No care team has accepted this referral yet, so there is nobody to share with.",
                            field="share")
    if ReferralConsent.objects.filter(referral=locked).exists():
        return locked
    ReferralConsent.objects.create(referral=locked, by=patient, by_label=display_name(patient),
                                   wording=sharing_wording(locked))
    careteam.assign_patient(patient, locked.team, patient)
    audit.record(patient, audit.UPDATE, locked, patient=patient, detail="patient shared their records with the team")
    return locked
