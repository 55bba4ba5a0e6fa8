"""The treatment profile (/side-effect-check/treatment/): cancer type, treatments, and what
they mean for the side-effect check, which the patient can correct.

One form and one Save for the whole page: the profile, the treatments and the corrections are
stored together in one transaction, or, when any answer has a problem, nothing is stored and
the page says so with every answer kept. "Add another" re-shows the page with one more row and
everything typed, and says that nothing is saved yet.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms.utils import ErrorDict, ErrorList
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from careguide.core.http import private as _private

from .. import profile as context_rules
from .. import services
from ..forms import CorrectionForm, ProfileForm, treatment_formsets
from ..models.profile import Flag

SAVED = "Your treatment profile is saved."
NOT_SAVED = "Nothing on this page was saved. Fix the problems below, then press “Save your treatment profile”."
NOT_SAVED_YET = ("We added a row. Nothing is saved yet: press “Save your treatment profile” at the bottom "
                 "of the page to save everything on it.")


def _context_rows(profile):
    if profile is None:
        return {flag: {"derived": False, "why": [], "correction": None, "value": False}
                for flag in context_rules.FLAGS}
    return context_rules.context_for_profile(profile)


def _target(field) -> str:
    """The input the error summary links to (a radio group's first radio)."""
    return field.id_for_label or f"{field.auto_id}_0"


def _errors(form, formsets, correction_form) -> list[tuple[str, str]]:
    errors = [(e, _target(field)) for field in form for e in field.errors]
    for formset in formsets:
        for number, sub in enumerate(formset.forms, start=1):
            for field in sub:
                errors += [(f"{formset.label} {number}: {e}", _target(field)) for e in field.errors]
    errors += [(e, _target(field)) for field in correction_form for e in field.errors]
    return errors


def _unjudged(form, formsets, correction_form) -> None:
    """Show what was typed without judging it: the person pressed "Add another", not Save.
    (Bound forms validate when a template asks for their errors; an empty error list stops that.)"""
    for one in (form, correction_form, *(sub for formset in formsets for sub in formset.forms)):
        one._errors = ErrorDict()
    for formset in formsets:
        formset._errors, formset._non_form_errors = [], ErrorList()


def _page(request, profile, context_rows, form, formsets, correction_form, *, show_errors=False, notice="",
          status=200):
    return _private(render(request, "sideeffects/treatment.html", {
        "form": form,
        "formsets": formsets,
        "errors": _errors(form, formsets, correction_form) if show_errors else [],
        "not_saved": NOT_SAVED,
        "notice": notice,
        "context_rows": [(flag, label, context_rows[flag], correction_form[flag]) for flag, label in Flag.choices],
        "has_profile": profile is not None,
    }, status=status))


@login_required
@require_http_methods(["GET", "POST"])
def treatment(request):
    profile = services.profile_for(request.user)
    context_rows = _context_rows(profile)
    if request.method == "POST":
        form = ProfileForm(request.POST)
        add = request.POST.get("add", "")
        formsets = treatment_formsets(profile, request.POST, add=add)
        corrections = CorrectionForm(request.POST, context=context_rows)
        if add:
            _unjudged(form, formsets, corrections)
            return _page(request, profile, context_rows, form, formsets, corrections, notice=NOT_SAVED_YET)
        valid = [form.is_valid(), corrections.is_valid(), *(f.is_valid() for f in formsets)]
        if all(valid):
            services.save_profile(request.user, form, formsets, corrections.changes())
            messages.success(request, SAVED)
            return redirect("sideeffects:treatment")
        return _page(request, profile, context_rows, form, formsets, corrections, show_errors=True, status=400)
    initial = {}
    if profile is not None:
        initial = {"cancer_type": profile.cancer_type,
                   "long_term_steroids": "yes" if profile.long_term_steroids else "no"}
    return _page(request, profile, context_rows, ProfileForm(initial=initial), treatment_formsets(profile),
                 CorrectionForm(context=context_rows))
