"""The red-flag gate: the questions (a paged FHIR questionnaire), the result pages, and
clearance after a see-your-doctor-first result: "Ask my care team to clear me" for a patient
with a care team, or "my doctor has cleared me" (self-reported) for someone without one.

Anyone may answer the questions; answers are stored as a QuestionnaireResponse with the
disposition, linked to the account when signed in (or claimed at sign-in). At a program
check-in the same questions come first, and a new red flag stops the program. For a patient
with a care team, a red flag also raises the team's alert (services.report_gate_result).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from careguide.audit import service as audit
from careguide.core.http import private as _private
from careguide.questionnaires.models import Questionnaire, QuestionnaireResponse
from careguide.questionnaires.views import DRAFTS_SESSION_KEY, QuestionnaireFillView
from careguide.triage.back_pain import back_pain_rules

from .. import clearance as team_clearance
from .. import gate, services
from ..models import Enrollment

PURPOSE_SESSION_KEY = "backpain_gate_purpose"
CHECK_IN = "check-in"

HEADINGS = {
    "emergency": "Get emergency help now",
    "urgent": "Contact a doctor today",
    "see_doctor_first": "Talk with your doctor before you start",
    "proceed": "You can start the back pain program",
}



def _open_enrollment(user):
    if not user.is_authenticated:
        return None
    return Enrollment.objects.for_user(user).current()


class GateView(QuestionnaireFillView):
    template_name = "backpain/gate.html"

    def get_questionnaire(self):
        questionnaire = Questionnaire.objects.current(gate.GATE_URL)
        if questionnaire is None:
            raise Http404("The back pain questions are not loaded. Run `careguide load-content`.")
        return questionnaire

    # Why the person is answering: before starting, or at a weekly check-in. Kept in the
    # session because each step redirects to the same address.
    @property
    def purpose(self) -> str:
        purpose = self.request.session.get(PURPOSE_SESSION_KEY, "start")
        if purpose == CHECK_IN and _open_enrollment(self.request.user) is None:
            return "start"
        return purpose

    def get(self, request, *args, **kwargs):
        wanted = request.GET.get("for")
        drafts = request.session.get(DRAFTS_SESSION_KEY, {})
        if wanted or request.GET.get("restart") == "1" or self.draft_key() not in drafts:
            request.session[PURPOSE_SESSION_KEY] = CHECK_IN if wanted == CHECK_IN else "start"
            if wanted:
                self.clear_draft()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(purpose=self.purpose, **kwargs)

    def store(self, form, response):
        # The answers, a stopped program and the care team's alert: together or not at all.
        with transaction.atomic():
            return super().store(form, response)

    def response_saved(self, response_model):
        self.passed = False
        enrollment = _open_enrollment(self.request.user) if self.purpose == CHECK_IN else None
        if enrollment is None:
            return  # an emergency or urgent result was reported when it was stored (GateBinding)
        if gate.passing_response(self.request.user, response_model.fhir_id) is not None:
            self.request.session[gate.CHECK_IN_SESSION_KEY] = str(response_model.fhir_id)
            self.passed = True
        else:
            services.stop_for_red_flag(enrollment, response_model, response_model.outcome, by=self.request.user)
        self.request.session.pop(PURPOSE_SESSION_KEY, None)

    def get_success_url(self, response_model) -> str:
        if getattr(self, "passed", False):
            return reverse("backpain:check_in")
        return reverse("backpain:gate_result", args=[response_model.fhir_id])


def _visible_response(request, response_id) -> QuestionnaireResponse:
    visible = QuestionnaireResponse.objects.for_user(request.user) | QuestionnaireResponse.objects.for_session(request)
    response = visible.filter(fhir_id=response_id, questionnaire_url=gate.GATE_URL).first()
    if response is None:
        raise Http404("No such result")
    return response


def _answer_labels(resource) -> list[str]:
    """What the person said yes to, in the words they saw."""
    labels = []
    for item in gate.walk_items(resource.get("item", ())):
        for answer in item.get("answer", ()) or ():
            coding = answer.get("valueCoding")
            if coding and coding.get("code") != gate.NONE_CODE:
                labels.append(coding.get("display") or coding.get("code"))
            elif answer.get("valueBoolean") is True and item.get("linkId") in gate.BOOLEAN_FIELDS:
                labels.append(back_pain_rules().label(gate.BOOLEAN_FIELDS[item["linkId"]]))
    return labels


def _render_result(request, response, *, clearance_error="", status=200):
    fields = gate.fields_from_response(response.resource)
    raw = gate.evaluate(fields)  # without any clearance: the reasons behind the answers
    disposition = response.outcome or raw.disposition
    signed_in = request.user.is_authenticated
    clearance = gate.covering_clearance(request.user, fields) if signed_in else None
    own = signed_in and response.subject_id == request.user.pk
    context = {
        "response": response,
        "result": raw,
        "disposition": disposition,
        "heading": HEADINGS[disposition],
        "reasons": list(raw.explanations) if disposition != "proceed" or clearance else [],
        "flag_labels": _answer_labels(response.resource),
        "clearance": clearance if disposition == "see_doctor_first" else None,
        "cleared": disposition == "proceed" and bool(raw.reasons),
        "cleared_by": clearance if disposition == "proceed" else None,
        "has_team": own and gate.has_care_team(request.user),
        "clearance_request": team_clearance.latest_request(request.user, response) if own else None,
        "clearance_error": clearance_error,
        "purpose": "start",
        "stopped_enrollment": request.user.is_authenticated
        and Enrollment.objects.for_user(request.user).filter(stopped_response=response).exists(),
    }
    audit.record(request.user, audit.READ, response, patient=response.subject)
    return _private(render(request, f"backpain/result_{disposition}.html", context, status=status))


def result(request, response_id):
    return _render_result(request, _visible_response(request, response_id))


def _own_see_doctor_first(request, response_id):
    response = _visible_response(request, response_id)
    if response.subject_id != request.user.pk or response.outcome != "see_doctor_first":
        raise Http404("No such result")
    return response


@require_POST
@login_required
def cleared(request, response_id):
    """"My doctor has cleared me", self-reported: only for someone without a care team."""
    response = _own_see_doctor_first(request, response_id)
    if gate.has_care_team(request.user):
        return _render_result(request, response, status=403, clearance_error=(
            "Your care team records your clearance. Use “Ask my care team to clear me”."))
    if request.POST.get("attest") != "yes":
        return _render_result(
            request,
            response,
            clearance_error="Tick the box to confirm that your doctor has cleared you",
            status=400,
        )
    gate.record_clearance(request.user, response)
    return redirect("backpain:gate_result", response_id=response.fhir_id)


@require_POST
@login_required
def ask_team(request, response_id):
    """"Ask my care team to clear me": the team sees the request on its queue."""
    response = _own_see_doctor_first(request, response_id)
    try:
        team_clearance.ask_care_team(request.user, response)
    except gate.ClearanceRefused as exc:
        return _render_result(request, response, clearance_error=str(exc), status=403)
    messages.success(request, "We sent your request to your care team. Their answer will show on this page.")
    return redirect("backpain:gate_result", response_id=response.fhir_id)
