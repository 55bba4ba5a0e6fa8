"""The referring doctor's pages (refer, my referrals, one referral) and Cancer Care's intake
(the queue, one referral, accept / reject / complete / cancel).

Thin views: the referrals a page may show come from ``services.for_referrer`` or
``services.for_care_team`` (another id gives 404), every write goes through ``services``,
and every staff read of a referral is audited with its patient.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from careguide.accounts.names import display_name
from careguide.audit import service as audit
from careguide.core.http import call_or_conflict
from careguide.questionnaires import services as questionnaires
from careguide.questionnaires.presenters import response_sections

from .. import forms, services, workflow
from ..models import Referral, ReferralStatus
from . import appointment_views, care_team_only, primary_care_only, private

S = Referral.Status
LIST_LIMIT = 200


# --- the referring doctor -------------------------------------------------------------------

@require_GET
@primary_care_only
def referral_list(request):
    referrals = list(services.for_referrer(request.user).select_related("patient")[:LIST_LIMIT])
    return private(render(request, "referrals/referral_list.html", {
        "referrals": referrals, "limit": LIST_LIMIT, "truncated": len(referrals) >= LIST_LIMIT,
    }))


@require_http_methods(["GET", "POST"])
@primary_care_only
def referral_new(request):
    form = forms.ReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        send = request.POST.get("action") == "send"
        referral = services.create(
            request.user, patient=form.patient, reason=form.cleaned_data["reason"],
            urgency=form.cleaned_data["urgency"], notes=form.cleaned_data["notes"], send=send,
            submission_key=form.cleaned_data["submission"],
        )
        messages.success(request, "Your referral was sent to Cancer Care." if send else
                         "Your referral was saved as a draft. Send it when it is ready.")
        return redirect("referrals:detail", pk=referral.pk)
    status = 400 if form.errors else 200
    return private(render(request, "referrals/referral_new.html", {"form": form}, status=status))


def _referrer_detail(request, referral, *, cancel_form=None, error="", status=200):
    audit.record(request.user, audit.READ, referral, patient=referral.patient, detail="referral by referrer")
    return private(render(request, "referrals/referral_detail.html", {
        "referral": referral,
        "patient_label": display_name(referral.patient),
        "history": list(ReferralStatus.objects.filter(referral=referral)),
        "appointments": appointment_views(request, referral),
        "can_send": workflow.allowed(referral.status, S.SENT),
        "can_cancel": workflow.allowed(referral.status, S.CANCELLED),
        "cancel_form": cancel_form or forms.cancel_form(),
        "state_error": error,
    }, status=status))


def _referrer_referral(request, pk):
    return get_object_or_404(services.for_referrer(request.user).select_related("patient", "team"), pk=pk)


def _referrer_again(request, pk, **kept):
    """The referral's page again, read afresh (someone else moved it), keeping what was typed."""
    return lambda **shown: _referrer_detail(request, _referrer_referral(request, pk), **kept, **shown)


@require_GET
@primary_care_only
def referral_detail(request, pk):
    return _referrer_detail(request, _referrer_referral(request, pk))


@require_POST
@primary_care_only
def referral_send(request, pk):
    referral = _referrer_referral(request, pk)
    if conflict := call_or_conflict(lambda: services.send(referral, request.user), errors=services.ReferralError,
                                    page=_referrer_again(request, pk)):
        return conflict
    messages.success(request, "Your referral was sent to Cancer Care.")
    return redirect("referrals:detail", pk=referral.pk)


@require_POST
@primary_care_only
def referral_cancel(request, pk):
    referral = _referrer_referral(request, pk)
    form = forms.cancel_form(request.POST)
    if not form.is_valid():
        return _referrer_detail(request, referral, cancel_form=form, status=400)
    if conflict := call_or_conflict(lambda: services.cancel(referral, request.user, form.cleaned_data["reason"]),
                                    errors=services.ReferralError, page=_referrer_again(request, pk, cancel_form=form)):
        return conflict
    messages.success(request, "You cancelled this referral.")
    return redirect("referrals:detail", pk=referral.pk)


# --- Cancer Care intake -------------------------------------------------------------------------

@require_GET
@care_team_only
def intake(request):
    """Sent referrals, urgent first then oldest; then those the user's teams accepted."""
    visible = services.for_care_team(request.user).select_related("patient", "referrer", "team")
    waiting = list(
        visible.filter(status=S.SENT)
        .annotate(rank=Case(When(urgency=Referral.Urgency.URGENT, then=Value(0)), default=Value(1),
                            output_field=IntegerField()))
        .order_by("rank", "created_at", "pk")[:LIST_LIMIT]
    )
    accepted = list(visible.filter(status__in=[S.ACCEPTED, S.SCHEDULED]).order_by("created_at", "pk")[:LIST_LIMIT])
    patients = {r.patient_id: r.patient for r in [*waiting, *accepted]}
    audit.record_reads(request.user, patients.values(), object_type="referrals.referral", detail="referral intake")
    return private(render(request, "referrals/intake.html", {
        "waiting": waiting, "accepted": accepted, "limit": LIST_LIMIT,
    }))


def _staff_referral(request, pk):
    return get_object_or_404(
        services.for_care_team(request.user).select_related("patient", "referrer", "team", "previsit_response"),
        pk=pk,
    )


def _book_url(referral) -> str:
    # The booking page belongs to the appointments part of this app; it may not be routed yet.
    try:
        return reverse("appointments:book", args=[referral.pk])
    except NoReverseMatch:
        return ""


def _previsit(request, referral):
    record = referral.previsit_response
    if record is None:
        return None
    audit.record(request.user, audit.READ, record, patient=referral.patient, detail="pre-visit answers")
    definition = questionnaires.parsed(record.questionnaire)
    return {"record": record, "sections": response_sections(definition, record.resource)}


def _staff_detail(request, referral, *, accept_form=None, reject_form=None, cancel_form=None, error="",
                  status=200):
    audit.record(request.user, audit.READ, referral, patient=referral.patient, detail="referral intake detail")
    can = {target: workflow.allowed(referral.status, target)
           for target in (S.ACCEPTED, S.REJECTED, S.COMPLETED, S.CANCELLED)}
    return private(render(request, "referrals/intake_detail.html", {
        "referral": referral,
        "patient_label": display_name(referral.patient),
        "referrer_label": display_name(referral.referrer),
        "history": list(ReferralStatus.objects.filter(referral=referral)),
        "appointments": appointment_views(request, referral),
        "previsit": _previsit(request, referral),
        "sharing": services.sharing(referral),
        "can_accept": can[S.ACCEPTED],
        "can_reject": can[S.REJECTED],
        "can_complete": can[S.COMPLETED],
        "can_cancel": can[S.CANCELLED],
        "book_url": _book_url(referral) if referral.status == S.ACCEPTED else "",
        "accept_form": accept_form or forms.AcceptForm(user=request.user),
        "reject_form": reject_form or forms.reject_form(),
        "cancel_form": cancel_form or forms.cancel_form(),
        "state_error": error,
    }, status=status))


@require_GET
@care_team_only
def intake_detail(request, pk):
    return _staff_detail(request, _staff_referral(request, pk))


def _staff_call(request, pk, action, **forms_):
    """Call the service ``action()``; when someone else moved the referral first, the page again
    with the reason (409). If it is now out of this user's sight (another team accepted it, or it
    was turned down), say so without showing it."""
    def page(*, error, status):
        referral = services.for_care_team(request.user).select_related(
            "patient", "referrer", "team", "previsit_response").filter(pk=pk).first()
        if referral is None:
            return private(render(request, "referrals/intake_conflict.html", {"state_error": error}, status=status))
        return _staff_detail(request, referral, error=error, status=status, **forms_)

    return call_or_conflict(action, errors=services.ReferralError, page=page)


def _gone(request, pk):
    """A decision on a referral that was waiting (every member of staff saw it then) and that
    someone else has since taken out of this user's sight: say who, show nothing more."""
    if request.POST.get("seen") != S.SENT:
        return None
    referral = Referral.objects.filter(pk=pk, history__status=S.SENT).exclude(status=S.SENT).first()
    if referral is None:
        return None
    latest = referral.history.order_by("-at", "-pk").first()
    who = latest.by_label or "someone else"
    error = f"This referral was already {referral.get_status_display().lower()} by {who}. Nothing was changed."
    return private(render(request, "referrals/intake_conflict.html", {"state_error": error}, status=409))


@require_POST
@care_team_only
def intake_accept(request, pk):
    if not services.for_care_team(request.user).filter(pk=pk).exists() and (gone := _gone(request, pk)):
        return gone
    referral = _staff_referral(request, pk)
    form = forms.AcceptForm(request.POST, user=request.user)
    if not form.is_valid():
        return _staff_detail(request, referral, accept_form=form, status=400)
    if conflict := _staff_call(request, pk,
                               lambda: services.accept(referral, request.user, form.cleaned_data["team"]),
                               accept_form=form):
        return conflict
    waiting = services.sharing(referral) == services.ASKED
    messages.success(request, f"You accepted this referral for {form.cleaned_data['team']}. Book the first visit "
                              "next." + (" The patient is asked whether your team may see their records." if waiting
                                         else ""))
    return redirect("referrals:intake_detail", pk=referral.pk)


@require_POST
@care_team_only
def intake_reject(request, pk):
    if not services.for_care_team(request.user).filter(pk=pk).exists() and (gone := _gone(request, pk)):
        return gone
    referral = _staff_referral(request, pk)
    form = forms.reject_form(request.POST)
    if not form.is_valid():
        return _staff_detail(request, referral, reject_form=form, status=400)
    if conflict := _staff_call(request, pk,
                               lambda: services.reject(referral, request.user, form.cleaned_data["reason"]),
                               reject_form=form):
        return conflict
    messages.success(request, "You turned down this referral. The referring doctor can see your reason.")
    return redirect("referrals:intake")


@require_POST
@care_team_only
def intake_complete(request, pk):
    referral = _staff_referral(request, pk)
    if conflict := _staff_call(request, pk, lambda: services.complete(referral, request.user)):
        return conflict
    messages.success(request, "You marked this referral as completed.")
    return redirect("referrals:intake_detail", pk=referral.pk)


@require_POST
@care_team_only
def intake_cancel(request, pk):
    referral = _staff_referral(request, pk)
    form = forms.cancel_form(request.POST)
    if not form.is_valid():
        return _staff_detail(request, referral, cancel_form=form, status=400)
    if conflict := _staff_call(request, pk,
                               lambda: services.cancel(referral, request.user, form.cleaned_data["reason"]),
                               cancel_form=form):
        return conflict
    messages.success(request, "You cancelled this referral. The referring doctor can see your reason.")
    return redirect("referrals:intake")
