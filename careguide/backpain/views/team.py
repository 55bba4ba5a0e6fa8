"""The care team's side of clearance: a patient's request to be cleared for the program, and
the answer a nurse or oncologist of their team records on it (clearance.py).

Thin views: requests only through ``clearance.for_team`` (scoped to the user's care teams; any
other id gives 404), every write through ``clearance``, every read audited with the patient.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from careguide.accounts.names import display_name
from careguide.alerts.views import care_team_only
from careguide.audit import service as audit
from careguide.core.forms import add_service_error
from careguide.core.http import private as _private
from careguide.triage.back_pain import back_pain_rules

from .. import clearance

CLEAR, DECLINE = "clear", "decline"
ANSWER_REQUIRED = "Choose whether you clear the patient for the program"


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label="Your answer", widget=forms.RadioSelect,
        choices=[(CLEAR, "Clear the patient for the back pain program"), (DECLINE, "Do not clear the patient yet")],
        error_messages={"required": ANSWER_REQUIRED, "invalid_choice": ANSWER_REQUIRED},
    )
    confirm = forms.BooleanField(
        required=False, widget=forms.CheckboxInput(attrs={"class": "checkbox__input"}),
        label="I have checked the problems listed above, and the program's gentle exercises are safe for this patient",
    )
    note = forms.CharField(
        label="Note for the patient", required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "field__input"}),
        help_text="The patient reads this. Needed if you do not clear them: say why, and what to do next.",
    )


def _error_links(form) -> list[tuple[str, str]]:
    anchors = {"answer": "id_answer_0", "confirm": "id_confirm", "note": "id_note"}
    return [(anchors.get(name, "id_answer_0"), error) for name, errors in form.errors.items() for error in errors]


def _page(request, found, form, status=200):
    rules = back_pain_rules()
    audit.record(request.user, audit.READ, found, patient=found.patient, detail="back-pain clearance request")
    return _private(render(request, "backpain/team/clearance_request.html", {
        "found": found,
        "patient_label": display_name(found.patient),
        "flags": [rules.label(flag) for flag in found.flags],
        "form": form,
        "errors": _error_links(form) if form.is_bound else [],
    }, status=status))


@require_http_methods(["GET", "POST"])
@care_team_only
def clearance_request(request, pk):
    found = get_object_or_404(clearance.for_team(request.user), pk=pk)
    if request.method == "GET" or not found.is_open:
        return _page(request, found, AnswerForm())
    form = AnswerForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["answer"] == CLEAR:
                clearance.clear(found, request.user, confirmed=data["confirm"], note=data["note"])
                messages.success(request, "You cleared the patient for the back pain program. They can start now.")
            else:
                clearance.decline(found, request.user, note=data["note"])
                messages.success(request, "You answered the request. The patient sees your note.")
        except clearance.AnswerError as exc:
            add_service_error(form, exc.field, str(exc))
        except PermissionDenied:
            return _private(render(request, "alerts/forbidden.html", status=403))
        else:
            return redirect("backpain:team_request", pk=found.pk)
    found.refresh_from_db()
    return _page(request, found, form, status=409 if not found.is_open else 400)
