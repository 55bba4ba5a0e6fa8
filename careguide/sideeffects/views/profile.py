"""The treatment profile (/side-effect-check/treatment/): cancer type, treatments, and what
they mean for the side-effect check, which the patient can correct."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from careguide.core.http import private as _private

from .. import profile as context_rules
from .. import services
from ..forms import CorrectionForm, ProfileForm, treatment_formsets


def _context_rows(profile):
    if profile is None:
        return {flag: {"derived": False, "why": [], "correction": None, "value": False}
                for flag in context_rules.FLAGS}
    return context_rules.context_for_profile(profile)


def _target(field) -> str:
    """The input the error summary links to (a radio group's first radio)."""
    return field.id_for_label or f"{field.auto_id}_0"


def _page(request, profile, form, formsets, correction_form=None, status=200):
    context_rows = _context_rows(profile)
    correction_form = correction_form or CorrectionForm(context=context_rows)
    errors = []
    if correction_form.is_bound:
        for field in correction_form:
            errors += [(e, _target(field)) for e in field.errors]
    for field in form:
        errors += [(e, _target(field)) for e in field.errors]
    for formset in formsets:
        for number, sub in enumerate(formset.forms, start=1):
            for field in sub:
                errors += [(f"{formset.label} {number}: {e}", _target(field)) for e in field.errors]
    return _private(render(request, "sideeffects/treatment.html", {
        "form": form,
        "formsets": formsets,
        "errors": errors,
        "context_rows": [(flag, label, context_rows[flag], correction_form[flag])
                         for flag, label in context_rules_labels()],
        "correction_form": correction_form,
        "has_profile": profile is not None,
    }, status=status))


def context_rules_labels():
    from ..models.profile import Flag

    return Flag.choices


@login_required
def treatment(request):
    profile = services.profile_for(request.user)
    if request.method == "POST":
        form = ProfileForm(request.POST)
        add = request.POST.get("add", "")
        formsets = treatment_formsets(profile, request.POST, add=add)
        if add:
            return _page(request, profile, form, formsets)
        if form.is_valid() and all(f.is_valid() for f in formsets):
            services.save_profile(request.user, form, formsets)
            messages.success(request, "Your treatment profile is saved.")
            return redirect("sideeffects:treatment")
        return _page(request, profile, form, formsets, status=400)
    initial = {}
    if profile is not None:
        initial = {"cancer_type": profile.cancer_type,
                   "long_term_steroids": "yes" if profile.long_term_steroids else "no"}
    return _page(request, profile, ProfileForm(initial=initial), treatment_formsets(profile))


@require_POST
@login_required
def correct(request):
    profile = services.profile_for(request.user)
    form = CorrectionForm(request.POST, context=_context_rows(profile))
    if not form.is_valid():
        initial = {}
        if profile is not None:
            initial = {"cancer_type": profile.cancer_type,
                       "long_term_steroids": "yes" if profile.long_term_steroids else "no"}
        return _page(request, profile, ProfileForm(initial=initial), treatment_formsets(profile), form, status=400)
    changes = form.changes()
    if changes:
        services.correct_context(request.user, changes)
    messages.success(request, "Your changes to what this means for your check are saved.")
    return redirect("sideeffects:treatment")
