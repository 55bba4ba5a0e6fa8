"""A patient with a care team asks the team to clear them for the program; a nurse or
oncologist of that team records the answer.

Every write is one transaction with its audit rows. A request is answered once: the answer is a
conditional update of its status (the second of two clinicians is told who answered first),
and a clearance is a new ``Clearance`` row that names who recorded it, when, and the flags it
covers. The rules still decide what a clearance can lower: only see-your-doctor-first, never
urgent or emergency (triage/rules/back_pain.yaml, ``clearance``).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from careguide.accounts.names import display_name
from careguide.audit import service as audit
from careguide.careteam import scoping
from careguide.careteam.models import Membership

from . import gate
from .models import Clearance, ClearanceRequest

Status = ClearanceRequest.Status
NOTE_REQUIRED = "Write a note to the patient saying why, and what they should do next"
CONFIRM_REQUIRED = "Tick the box to confirm that you have checked these problems"


class AnswerError(ValueError):
    """An answer that cannot be recorded now, with the form field it is about."""

    def __init__(self, message: str, field: str | None = None):
        self.field = field
        super().__init__(message)


def for_team(user):
    """The requests of the patients ``user``'s care teams look after."""
    return scoping.scope(ClearanceRequest.objects.all(), user).select_related("patient", "gate_response")


def latest_request(user, response) -> ClearanceRequest | None:
    return ClearanceRequest.objects.for_user(user).filter(gate_response=response).order_by("-created_at", "-pk").first()


@transaction.atomic
def ask_care_team(user, response) -> ClearanceRequest:
    """"Ask my care team to clear me" for the user's own see-your-doctor-first result. Asking
    again while a request for the same answers is open returns that request."""
    if response.subject_id != getattr(user, "pk", None):
        raise PermissionDenied("Only the person who answered can ask.")
    if not gate.has_care_team(user):
        raise gate.ClearanceRefused("You have no care team here. Tell us yourself once your doctor has cleared you.")
    fields, result = gate.see_doctor_first_flags(response)
    waiting = ClearanceRequest.objects.for_user(user).open().filter(gate_response=response).first()
    if waiting is not None:
        return waiting
    try:
        with transaction.atomic():
            request = ClearanceRequest.objects.create(
                patient=user, gate_response=response, flags=gate.flags(fields),
                questionnaire_version=response.questionnaire_version, rule_set_version=result.rule_set_version,
            )
    except IntegrityError:  # the same request from a second tab, at the same moment
        return ClearanceRequest.objects.for_user(user).open().get(gate_response=response)
    audit.record(user, audit.CREATE, request, patient=user, detail="asked the care team for back-pain clearance")
    return request


def _clinician_label(clinician, patient) -> str:
    """The clinician's name and role in the patient's team, as it was when they answered."""
    membership = (Membership.objects.filter(user=clinician, team__patient_links__patient=patient)
                  .order_by("role").first())
    role = f", {membership.get_role_display().lower()}" if membership else ""
    return f"{display_name(clinician)}{role}"[:200]


def _check_clinician(request: ClearanceRequest, clinician) -> None:
    """A nurse or oncologist of one of the patient's care teams, never the patient."""
    if (not scoping.is_care_team(clinician) or clinician.pk == request.patient_id
            or not scoping.can_see_patient(clinician, request.patient_id)):
        raise PermissionDenied("Only the patient's care team can answer this request.")


def _answer(request, clinician, status, note) -> ClearanceRequest:
    _check_clinician(request, clinician)
    locked = ClearanceRequest.objects.select_for_update().get(pk=request.pk)
    label = _clinician_label(clinician, locked.patient)
    # Conditional update: of two clinicians answering at once, only the first one lands.
    moved = ClearanceRequest.objects.filter(pk=locked.pk, status=Status.OPEN).update(
        status=status, answered_by=clinician, answered_by_label=label, answered_at=timezone.now(), note=note)
    if not moved:
        answered = ClearanceRequest.objects.get(pk=locked.pk)
        when = timezone.localtime(answered.answered_at)
        raise AnswerError(f"{answered.answered_by_label or 'Someone'} already answered this request at "
                          f"{when:%H:%M} on {when:%b} {when.day}.")
    audit.record(clinician, audit.UPDATE, locked, patient=locked.patient, detail=f"clearance request {status}")
    return ClearanceRequest.objects.get(pk=locked.pk)


@transaction.atomic
def clear(request: ClearanceRequest, clinician, *, confirmed: bool, note: str = "") -> Clearance:
    """The clinician has checked the patient's problems: record the clearance of exactly the
    flags the patient asked about."""
    if not confirmed:
        raise AnswerError(CONFIRM_REQUIRED, "confirm")
    answered = _answer(request, clinician, Status.CLEARED, (note or "").strip())
    clearance = Clearance.objects.create(
        user=answered.patient, gate_response=answered.gate_response, flags=answered.flags,
        questionnaire_version=answered.questionnaire_version, rule_set_version=answered.rule_set_version,
        source=Clearance.Source.CARE_TEAM, cleared_by=clinician, cleared_by_label=answered.answered_by_label,
        request=answered, note=answered.note,
    )
    audit.record(clinician, audit.CREATE, clearance, patient=answered.patient, detail="back-pain clearance")
    return clearance


@transaction.atomic
def decline(request: ClearanceRequest, clinician, *, note: str) -> ClearanceRequest:
    """Not cleared (yet): the note tells the patient why and what to do next."""
    if not (note or "").strip():
        raise AnswerError(NOTE_REQUIRED, "note")
    return _answer(request, clinician, Status.NOT_CLEARED, note.strip())
