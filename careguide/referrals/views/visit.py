"""The patient's pages: their referrals in plain words (and, once a team accepted one, whether
that team may see their other records), getting ready for the first visit, and the short
pre-visit questions (on the questionnaire engine) whose answers the clinician reads.

A patient reaches only their own referrals (``services.for_patient``); another id gives 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from careguide.accounts.names import display_name
from careguide.accounts.roles import is_patient
from careguide.questionnaires import services as questionnaires
from careguide.questionnaires.models import Questionnaire
from careguide.questionnaires.presenters import response_sections
from careguide.questionnaires.views import QuestionnaireFillView

from .. import services
from ..models import Referral
from . import appointment_views, forbidden, patient_only, private

S = Referral.Status

# What each status means for the patient, in plain words.
PLAIN_STATUS = {
    S.SENT: "Your doctor has sent a referral. The Cancer Care team will contact you.",
    S.ACCEPTED: "The Cancer Care team has your referral. They will call you to set up your first visit.",
    S.SCHEDULED: "Your first visit is booked.",
    S.COMPLETED: "You have had your first visit. Your care team will tell you what comes next.",
    S.REJECTED: "The Cancer Care team cannot take this referral. Your doctor will talk with you about "
                "what to do next.",
    S.CANCELLED: "This referral was cancelled. If you do not know why, ask your doctor.",
}


def _own_referral(request, pk, statuses=None):
    found = services.for_patient(request.user).select_related("referrer", "previsit_response")
    if statuses is not None:
        found = found.filter(status__in=statuses)
    return get_object_or_404(found, pk=pk)


@require_GET
@patient_only
def mine(request):
    referrals = list(services.for_patient(request.user).select_related("referrer", "team")[:50])
    rows = [{
        "referral": r,
        "plain_status": PLAIN_STATUS.get(r.status, ""),
        "referrer": display_name(r.referrer),
        "can_prepare": r.status in services.PREPARE_STATUSES,
        "appointments": [a for a in appointment_views(request, r) if a.is_booked],
        "sharing": services.sharing(r),
        "sharing_wording": services.sharing_wording(r),
    } for r in referrals]
    return private(render(request, "referrals/visit_mine.html", {"rows": rows}))


def _answers(referral):
    record = referral.previsit_response
    if record is None:
        return None
    return {"record": record,
            "sections": response_sections(questionnaires.parsed(record.questionnaire), record.resource)}


@require_POST
@patient_only
def share(request, pk):
    """The patient agrees that the team that accepted this referral sees their records."""
    referral = _own_referral(request, pk, services.SHARE_STATUSES)
    try:
        services.share_records(referral, request.user)
    except services.ReferralError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Thank you. {referral.team.name} can now see your records.")
    return redirect("referrals:mine")


@require_GET
@patient_only
def prepare(request, pk):
    referral = _own_referral(request, pk, services.PREPARE_STATUSES)
    return private(render(request, "referrals/visit_prepare.html", {
        "referral": referral,
        "referrer": display_name(referral.referrer),
        "appointments": [a for a in appointment_views(request, referral) if a.is_booked],
        "answers": _answers(referral),
        "questions_loaded": Questionnaire.objects.current(services.PREVISIT_URL) is not None,
    }))


class VisitQuestionsView(QuestionnaireFillView):
    """The pre-visit questions for one referral; they start from the answers already sent."""

    template_name = "referrals/visit_questions.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_patient(request.user):
            return forbidden(request, "patient")
        self.referral = _own_referral(request, kwargs["pk"], services.PREPARE_STATUSES)
        return super().dispatch(request, *args, **kwargs)

    def get_questionnaire(self):
        questionnaire = Questionnaire.objects.current(services.PREVISIT_URL)
        if questionnaire is None:
            raise Http404("The pre-visit questions are not loaded. Run `careguide load-content`.")
        return questionnaire

    def get_initial_response(self):
        previous = self.referral.previsit_response
        # Answers to an older version of the questions may not fit the new ones: start afresh.
        if previous is None or previous.questionnaire_id != self.questionnaire.pk:
            return None
        return {"resourceType": "QuestionnaireResponse", "item": previous.resource.get("item", [])}

    def get_context_data(self, **kwargs):
        return super().get_context_data(referral=self.referral, resending=self.referral.previsit_response_id
                                         is not None, **kwargs)

    def store(self, form, response):
        # The stored answers and the link from the referral: together or not at all.
        with transaction.atomic():
            return super().store(form, response)

    def response_saved(self, response_model):
        try:
            services.save_previsit(self.referral, response_model, self.request.user)
        except services.ReferralError:
            # The referral moved on (cancelled, or the visit took place) while the form was open.
            raise Http404("This referral no longer takes answers.") from None
        messages.success(self.request, "Thank you. We sent your answers to the Cancer Care team.")

    def get_success_url(self, response_model) -> str:
        return reverse("referrals:prepare", args=[self.referral.pk]) + "#your-answers"
