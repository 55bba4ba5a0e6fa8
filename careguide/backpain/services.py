"""Every write to the six-week program: start, check in, pause, resume, stop; and what its
care team hears of it.

Each runs in one transaction that also writes an immutable status row (EnrollmentEvent) and an
audit entry, so the three land together or not at all. Status rules live here, not in views.
For a patient with a care team, a red flag at the gate and a pain score the rules mark as high
raise an alert for the team in the same transaction (``careguide.alerts``; the team is emailed
after commit). Clearance requests and the team's clearances are in ``clearance.py``.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from careguide.alerts import services as alerts
from careguide.audit import service as audit
from careguide.triage.back_pain import assess_back_pain_check_in
from careguide.triage.engine import Result

from . import gate as backpain_gate
from .models import CheckIn, Enrollment, EnrollmentEvent
from .models.program import SCORE_RANGE, WEEKS

Status = Enrollment.Status
Kind = EnrollmentEvent.Kind
# Gate results that stop a running program. "proceed" never does.
STOPPING_DISPOSITIONS = ("emergency", "urgent", "see_doctor_first")


class ProgramError(Exception):
    """A change the enrollment's status does not allow (e.g. checking in while paused)."""


class CheckInNotOpen(ProgramError):
    """This week's check-in opens later (schedule.py)."""

    def __init__(self, week: int, opens: dt.date):
        self.week, self.opens = week, opens
        super().__init__(f"Your week {week} check-in opens on {opens:%A, %B} {opens.day}.")


# --- What the care team hears ------------------------------------------------------------------


def _team_page(patient) -> str:
    return reverse("alerts:patient", args=[patient.pk]) + "#back-pain"


def report_gate_result(patient, response, *, at_check_in: bool, by):
    """Raise the care team's alert for a gate result that calls for one: emergency or urgent at
    any gate a signed-in patient answers, whichever way the answers came in (reported when they
    are stored, by ``binding.GateBinding``), and see-your-doctor-first at a check-in (where it
    stops the program). Nothing for a patient without a care team (alerts decides)."""
    fields = backpain_gate.fields_from_response(response.resource)
    result = backpain_gate.evaluate(fields, user=patient)
    if (result.disposition == "see_doctor_first") != at_check_in:
        return None
    return alerts.record_back_pain(patient, result.disposition, result, findings=backpain_gate.findings(fields),
                                   source_url=_team_page(patient), actor=by)


def pain_result(check_in) -> Result:
    """What the check-in's pain score means next to the one before it (triage rules)."""
    previous = (CheckIn.objects.filter(enrollment_id=check_in.enrollment_id, week__lt=check_in.week)
                .order_by("-week").first())
    return assess_back_pain_check_in(check_in.pain, previous.pain if previous else None)


def _report_pain(check_in, by) -> None:
    result = pain_result(check_in)
    if result.disposition != "high":
        return
    finding = {"symptom": "back_pain_score", "level": "high_pain", "rule": result.reasons[0],
               "why": f"Week {check_in.week} check-in: pain {check_in.pain} out of 10, daily activities limited "
                      f"{check_in.limits} out of 10."}
    alerts.record_back_pain(check_in.enrollment.user, "high_pain", result, findings=[finding],
                            source_url=_team_page(check_in.enrollment.user), actor=by)


def _event(enrollment, kind, by, detail=""):
    return EnrollmentEvent.objects.create(enrollment=enrollment, kind=kind, by=by, detail=detail)


def _locked(enrollment) -> Enrollment:
    """The enrollment re-read under a row lock, so two tabs cannot both move it on."""
    return Enrollment.objects.select_for_update().get(pk=enrollment.pk)


@transaction.atomic
def start_enrollment(user, gate_response) -> Enrollment:
    """Start the program for `user`, who passed the gate with `gate_response`.

    A person has at most one open (active or paused) enrollment: starting again while one is
    open returns it unchanged. After a stop or completion a new enrollment begins at week 1.
    """
    if gate_response is None or gate_response.subject_id != user.pk:
        raise ProgramError("The gate answers must be the person's own.")
    existing = Enrollment.objects.for_user(user).current()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            enrollment = Enrollment.objects.create(user=user, gate_response=gate_response)
    except IntegrityError:  # a second request started one at the same moment
        return Enrollment.objects.for_user(user).current()
    _event(enrollment, Kind.STARTED, user)
    audit.record(user, audit.CREATE, enrollment, patient=user, detail="started back-pain program")
    return enrollment


@transaction.atomic
def record_check_in(enrollment, pain, limits, gate_response, by) -> CheckIn:
    """Record this week's check-in and move on a week; week 6's check-in completes the program.

    The check-in opens by the calendar (schedule.py); a pain score the rules mark as high
    raises the care team's alert. One gate answer makes one check-in: the same check-in sent
    twice (a double click, back and resend) returns the first, and the program moves on once."""
    enrollment = _locked(enrollment)
    if gate_response is not None:
        already = CheckIn.objects.filter(enrollment=enrollment, gate_response=gate_response).first()
        if already is not None:
            return already
    if enrollment.status != Status.ACTIVE:
        raise ProgramError(f"Cannot check in while the program is {enrollment.status}.")
    today = timezone.localdate()
    plan = enrollment.schedule(today)
    if not plan.check_in_open(today):
        raise CheckInNotOpen(enrollment.current_week, plan.check_in_opens)
    for name, value in (("pain", pain), ("limits", limits)):
        if value not in SCORE_RANGE:
            raise ValueError(f"{name} must be a whole number from 0 to 10")
    week = enrollment.current_week
    check_in = CheckIn.objects.create(
        enrollment=enrollment, week=week, pain=pain, limits=limits, gate_response=gate_response
    )
    audit.record(by, audit.CREATE, check_in, patient=enrollment.user, detail=f"week {week} check-in")
    _event(enrollment, Kind.WEEK_COMPLETED, by, detail=f"week {week}")
    if week >= WEEKS:
        enrollment.status = Status.COMPLETED
        enrollment.ended_at = timezone.now()
        _event(enrollment, Kind.COMPLETED, by)
        detail = "completed"
    else:
        enrollment.current_week = week + 1
        detail = f"moved to week {week + 1}"
    enrollment.save(update_fields=["status", "current_week", "ended_at", "updated_at"])
    audit.record(by, audit.UPDATE, enrollment, patient=enrollment.user, detail=detail)
    _report_pain(check_in, by)
    return check_in


def _switch(enrollment, by, *, from_status, to_status, kind, verb) -> Enrollment:
    enrollment = _locked(enrollment)
    if enrollment.status != from_status:
        raise ProgramError(f"Only a {from_status} program can be {verb}, not a {enrollment.status} one.")
    enrollment.status = to_status
    enrollment.save(update_fields=["status", "updated_at"])
    _event(enrollment, kind, by)
    audit.record(by, audit.UPDATE, enrollment, patient=enrollment.user, detail=verb)
    return enrollment


@transaction.atomic
def pause(enrollment, by) -> Enrollment:
    return _switch(enrollment, by, from_status=Status.ACTIVE, to_status=Status.PAUSED, kind=Kind.PAUSED, verb="paused")


@transaction.atomic
def resume(enrollment, by) -> Enrollment:
    return _switch(
        enrollment, by, from_status=Status.PAUSED, to_status=Status.ACTIVE, kind=Kind.RESUMED, verb="resumed"
    )


@transaction.atomic
def stop_for_red_flag(enrollment, gate_response, disposition, by) -> Enrollment:
    """Stop an open program because a check-in's gate found a warning sign.

    Only the disposition name is kept with the status row and audit entry, never the answers
    themselves (those stay in the gate response). Stopping a program that has already
    ended changes nothing.
    """
    if disposition not in STOPPING_DISPOSITIONS:
        raise ValueError(f"{disposition!r} does not stop the program")
    report_gate_result(enrollment.user, gate_response, at_check_in=True, by=by)
    enrollment = _locked(enrollment)
    if enrollment.status not in Enrollment.OPEN:
        return enrollment
    enrollment.status = Status.STOPPED
    enrollment.outcome = disposition
    enrollment.stopped_response = gate_response
    enrollment.ended_at = timezone.now()
    enrollment.save(update_fields=["status", "outcome", "stopped_response", "ended_at", "updated_at"])
    _event(enrollment, Kind.STOPPED_RED_FLAG, by, detail=disposition)
    audit.record(by, audit.UPDATE, enrollment, patient=enrollment.user, detail=f"stopped: {disposition}")
    return enrollment
