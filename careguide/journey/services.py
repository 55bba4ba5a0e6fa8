"""Every write to a treatment plan: apply a template, change, remove or add a phase, end a plan.

Each runs in one transaction with its audit row, so a plan is never half-written. The views
decide who may call these (``careteam.scoping``); the services check the plan itself: an ended
plan is not changed, and a phase never ends before it starts. Audit details name what kind of
change was made, never the plan's content (phase titles can reveal a diagnosis).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from careguide.accounts.names import display_name
from careguide.audit import service as audit

from . import plans
from .catalog import PlanTemplate
from .models import PlanPhase, PlanStatus, TreatmentPlan


class PlanError(ValueError):
    """A change the plan cannot take; ``field`` names the form field to show it on."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field



def _check_date(label: str, field: str, day: dt.date) -> None:
    if (problem := plans.date_problem(label, day, timezone.localdate())) is not None:
        raise PlanError(problem, field)


def _check_dates(start: dt.date, end: dt.date) -> None:
    _check_date("Start date", "start_date", start)
    _check_date("End date", "end_date", end)
    if end < start:
        raise PlanError("The end date must be the same as or after the start date.", "end_date")


def _locked(plan: TreatmentPlan) -> TreatmentPlan:
    locked = TreatmentPlan.objects.select_for_update().get(pk=plan.pk)
    if not locked.is_active:
        raise PlanError("This plan has ended, so it cannot be changed.")
    return locked


@transaction.atomic
def apply_template(actor, patient, template: PlanTemplate, start: dt.date,
                   parameters: dict | None = None) -> TreatmentPlan:
    """Save a new active plan for ``patient`` from ``template``: its phases dated by
    ``plans.expand``. Raises PlanError naming the parameter when a value is not allowed."""
    _check_date("Start date", "start_date", start)
    try:
        values = plans.resolve_parameters(template, parameters)
    except plans.ParameterError as exc:
        raise PlanError(exc.message, exc.field) from exc
    plan = TreatmentPlan.objects.create(
        patient=patient, template_id=template.id, template_version=template.version, title=template.title,
        parameters=values, start_date=start, created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    PlanStatus.objects.create(plan=plan, status=TreatmentPlan.Status.ACTIVE, by=plan.created_by,
                              by_label=display_name(actor))
    PlanPhase.objects.bulk_create(
        PlanPhase(
            plan=plan, key=phase.key, title=phase.title, purpose=phase.purpose, library_url=phase.library,
            side_effects=list(phase.side_effects), kind=phase.kind, every_days=phase.every_days,
            sessions=[d.isoformat() for d in phase.sessions], start_date=phase.start, end_date=phase.end,
            alongside=phase.alongside, position=phase.position,
        )
        for phase in plans.expand(template, start, values)
    )
    audit.record(actor, audit.CREATE, plan, patient=patient, detail="plan applied from a template")
    return plan


@transaction.atomic
def change_phase(actor, phase: PlanPhase, *, start: dt.date, end: dt.date, note: str) -> PlanPhase:
    """New dates and note for a phase; its treatment days follow the new dates."""
    _check_dates(start, end)
    plan = _locked(phase.plan)
    phase = PlanPhase.objects.select_for_update().get(pk=phase.pk, plan=plan)
    if (start, end) != (phase.start_date, phase.end_date):
        phase.sessions = [d.isoformat() for d in plans.sessions_between(phase.kind, start, end, phase.every_days)]
    phase.start_date, phase.end_date, phase.note = start, end, note.strip()
    phase.save()
    audit.record(actor, audit.UPDATE, phase, patient=plan.patient, detail="phase dates or note changed")
    return phase


@transaction.atomic
def remove_phase(actor, phase: PlanPhase) -> None:
    plan = _locked(phase.plan)
    if plan.phases.count() <= 1:
        raise PlanError("A plan needs at least one phase. End the plan instead.")
    audit.record(actor, audit.DELETE, phase, patient=plan.patient, detail="phase removed")
    phase.delete()


@transaction.atomic
def add_phase(actor, plan: TreatmentPlan, *, title: str, purpose: str, start: dt.date, end: dt.date,
              note: str = "") -> PlanPhase:
    _check_dates(start, end)
    plan = _locked(plan)
    last = plan.phases.order_by("-position").values_list("position", flat=True).first() or 0
    phase = PlanPhase.objects.create(
        plan=plan, key="", title=title.strip(), purpose=purpose.strip(), start_date=start, end_date=end,
        note=note.strip(), position=last + 1,
    )
    audit.record(actor, audit.CREATE, phase, patient=plan.patient, detail="phase added")
    return phase


ENDINGS = (TreatmentPlan.Status.COMPLETED, TreatmentPlan.Status.STOPPED)


@transaction.atomic
def end_plan(actor, plan: TreatmentPlan, status: str) -> TreatmentPlan:
    if status not in ENDINGS:
        raise PlanError("Choose whether the plan is completed or stopped.", "status")
    plan = _locked(plan)
    plan.status = status
    plan.save(update_fields=["status"])
    PlanStatus.objects.create(plan=plan, status=status, by=actor if getattr(actor, "is_authenticated", False) else None,
                              by_label=display_name(actor))
    audit.record(actor, audit.UPDATE, plan, patient=plan.patient, detail=f"plan {status}")
    return plan
