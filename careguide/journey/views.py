"""The treatment plan pages: the patient's timeline and calendar file; the care team's view of a
patient's plans, applying a template, changing, removing and adding phases, ending a plan.

Thin views. A patient sees their own plans. Care-team staff reach a patient through
``careteam.scoping`` (anyone else's id gives 404) and every such read is audited with the
patient; only care-team staff change plans (others get 403). Writes go through ``services``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from careguide.accounts.names import display_name
from careguide.audit import service as audit
from careguide.careteam import scoping
from careguide.core.forms import add_service_error
from careguide.core.http import private as _private

from . import calendar, catalog, presenters, services
from .forms import AddPhaseForm, ApplyForm, EndPlanForm, PhaseDatesForm
from .models import PlanPhase, TreatmentPlan


def _page(request, template, context, status=200):
    return _private(render(request, template, context, status=status))


def _forbidden(request):
    return _page(request, "journey/forbidden.html", {}, status=403)



def _plans_of(request, patient):
    found = scoping.scope(TreatmentPlan.objects.filter(patient=patient), request.user)
    # Active plans first, then ended ones; each in start order.
    return sorted(found.prefetch_related("phases"), key=lambda p: (not p.is_active, p.start_date, p.pk))


def _staff_patient(request, patient_id):
    """(patient, None) for care-team staff who may see the patient; (None, response) otherwise."""
    if not scoping.is_care_team(request.user):
        return None, _forbidden(request)
    return get_object_or_404(scoping.patients_visible_to(request.user), pk=patient_id), None


def _staff_plan(request, plan_id):
    """(plan, None) for care-team staff whose team looks after the plan's patient."""
    if not scoping.is_care_team(request.user):
        return None, _forbidden(request)
    plan = get_object_or_404(scoping.scope(TreatmentPlan.objects.select_related("patient"), request.user), pk=plan_id)
    return plan, None


def _audit_page_read(request, patient, obj=None, *, object_type=None):
    """A care-team page that shows a patient's plan (even only its title) is a read."""
    if request.method == "GET":
        audit.record(request.user, audit.READ, obj, object_type=object_type, patient=patient,
                     detail="read by care team")


def _patient_url(plan) -> str:
    return reverse("journey:patient", args=[plan.patient_id])


# --- the patient -------------------------------------------------------------------------------

@login_required
def my_timeline(request):
    plan_list = _plans_of(request, request.user)
    context = {
        "plans": presenters.build(plan_list, timezone.localdate()),
        "staff": False,
        "calendar_url": reverse("journey:calendar") if plan_list else "",
    }
    return _page(request, "journey/timeline.html", context)


@login_required
def my_calendar(request):
    plan_list = [p for p in _plans_of(request, request.user) if p.is_active]
    body = calendar.plan_calendar(plan_list, request.build_absolute_uri(reverse("journey:timeline")))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="my-treatment-plan.ics"'
    return _private(response)


# --- the care team -----------------------------------------------------------------------------

@login_required
def patient_timeline(request, patient_id):
    patient, refusal = _staff_patient(request, patient_id)
    if refusal:
        return refusal
    plan_list = _plans_of(request, patient)
    audit.record(request.user, audit.READ, object_type="journey.treatmentplan", patient=patient,
                 detail="timeline read by care team")
    context = {
        "plans": presenters.build(plan_list, timezone.localdate(), staff=True),
        "staff": True,
        "patient": patient,
        "patient_label": display_name(patient),
    }
    return _page(request, "journey/timeline.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def apply_template(request, patient_id):
    patient, refusal = _staff_patient(request, patient_id)
    if refusal:
        return refusal
    chosen = request.POST.get("template") or request.GET.get("template")
    template = catalog.get(chosen) if chosen else None
    _audit_page_read(request, patient, object_type="journey.treatmentplan")
    context = {"patient": patient, "patient_label": display_name(patient)}
    if template is None:
        context.update(templates=list(catalog.templates().values()),
                       choice_error="Choose a plan template." if chosen is not None else "")
        return _page(request, "journey/choose_template.html", context, status=400 if chosen is not None else 200)
    form = ApplyForm(template, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.apply_template(request.user, patient, template, form.cleaned_data["start_date"],
                                    form.parameters())
        except services.PlanError as exc:
            add_service_error(form, exc.field, exc.message)
        else:
            messages.success(request, f"The plan “{template.title}” is saved. You can change its phases below.")
            return redirect("journey:patient", patient.pk)
    context.update(template=template, form=form)
    return _page(request, "journey/apply.html", context, status=400 if form.errors else 200)


def _phase(plan, phase_id):
    return get_object_or_404(PlanPhase.objects.filter(plan=plan), pk=phase_id)


def _ended(request, plan):
    messages.error(request, "This plan has ended, so it cannot be changed.")
    return redirect(_patient_url(plan))


def _changeable(request, plan_id, phase_id=None):
    """(plan, phase, None) when care-team staff may change this plan (and the phase is one of
    its own, else 404); (plan or None, phase or None, the response to send) otherwise."""
    plan, refusal = _staff_plan(request, plan_id)
    if refusal:
        return None, None, refusal
    phase = _phase(plan, phase_id) if phase_id is not None else None
    return plan, phase, None if plan.is_active else _ended(request, plan)


@login_required
@require_http_methods(["GET", "POST"])
def edit_phase(request, plan_id, phase_id):
    plan, phase, refusal = _changeable(request, plan_id, phase_id)
    if refusal:
        return refusal
    if request.method == "POST":
        form = PhaseDatesForm(request.POST)
        if form.is_valid():
            try:
                services.change_phase(request.user, phase, start=form.cleaned_data["start_date"],
                                      end=form.cleaned_data["end_date"], note=form.cleaned_data["note"])
            except services.PlanError as exc:
                add_service_error(form, exc.field, exc.message)
            else:
                messages.success(request, f"“{phase.title}” is saved.")
                return redirect(_patient_url(plan))
    else:
        _audit_page_read(request, plan.patient, phase)
        form = PhaseDatesForm(initial={"start_date": phase.start_date, "end_date": phase.end_date, "note": phase.note})
    context = {"plan": plan, "phase": phase, "form": form, "patient_label": display_name(plan.patient)}
    return _page(request, "journey/phase_form.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def add_phase(request, plan_id):
    plan, _, refusal = _changeable(request, plan_id)
    if refusal:
        return refusal
    _audit_page_read(request, plan.patient, plan)
    form = AddPhaseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_phase(request.user, plan, title=data["title"], purpose=data["purpose"],
                               start=data["start_date"], end=data["end_date"], note=data["note"])
        except services.PlanError as exc:
            add_service_error(form, exc.field, exc.message)
        else:
            messages.success(request, f"“{data['title']}” is added to the plan.")
            return redirect(_patient_url(plan))
    context = {"plan": plan, "phase": None, "form": form, "patient_label": display_name(plan.patient)}
    return _page(request, "journey/phase_form.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def remove_phase(request, plan_id, phase_id):
    plan, phase, refusal = _changeable(request, plan_id, phase_id)
    if refusal:
        return refusal
    error = ""
    _audit_page_read(request, plan.patient, phase)
    if request.method == "POST":
        try:
            services.remove_phase(request.user, phase)
        except services.PlanError as exc:
            error = exc.message
        else:
            messages.success(request, f"“{phase.title}” is removed from the plan.")
            return redirect(_patient_url(plan))
    context = {"plan": plan, "phase": phase, "error": error, "patient_label": display_name(plan.patient)}
    return _page(request, "journey/remove_phase.html", context, status=400 if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def end_plan(request, plan_id):
    plan, _, refusal = _changeable(request, plan_id)
    if refusal:
        return refusal
    _audit_page_read(request, plan.patient, plan)
    form = EndPlanForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.end_plan(request.user, plan, form.cleaned_data["status"])
        except services.PlanError as exc:
            form.add_error("status", exc.message)
        else:
            messages.success(request, f"The plan “{plan.title}” has ended.")
            return redirect(_patient_url(plan))
    context = {"plan": plan, "form": form, "patient_label": display_name(plan.patient)}
    return _page(request, "journey/end_plan.html", context, status=400 if form.errors else 200)
