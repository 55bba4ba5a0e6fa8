"""Appointments: the patient's list (with .ics and "ask to cancel or change"), the care team's
list with cancel / attended / missed, and the team's queue of change requests.

Every query goes through careguide.careteam.scoping (another person's id is a 404); every
write through careguide.referrals.booking; staff reads are audited with the patient named.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from careguide.accounts.names import display_name
from careguide.accounts.roles import is_patient
from careguide.audit import service as audit
from careguide.careteam import scoping
from careguide.core.forms import add_service_error

from .. import booking
from ..calendar import appointment_ics
from ..models import Appointment, ChangeRequest
from .booking import care_team_only, private

REQUEST_RECEIVED = "We have your request. The team will contact you."
STAFF_LIST_LIMIT = 200


def _appointments(user):
    """The patient's own; for staff, their teams' patients' and those of referrals their teams accepted."""
    found = Appointment.objects.select_related("slot", "slot__clinician", "referral", "patient")
    return scoping.scope(found, user) | scoping.scope_referral(found, user)


def _prepare_url(referral_pk: int) -> str:
    """The referral's visit-preparation page; built by another part of the app, so a missing
    route must not break this page."""
    try:
        return reverse("referrals:prepare", args=[referral_pk])
    except NoReverseMatch:
        return ""


def _row(appointment, known, *, requests=()):
    return {
        "appointment": appointment,
        "place": booking.place(appointment.slot.location, known),
        "clinician": display_name(appointment.slot.clinician),
        "patient_label": display_name(appointment.patient),
        "prepare_url": _prepare_url(appointment.referral_id),
        "requests": [r for r in requests if r.appointment_id == appointment.pk],
    }


# --- the list: the patient's own, or the care team's ---------------------------------------------

@require_GET
def mine(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if scoping.is_care_team(request.user):
        return _team_list(request)
    if not is_patient(request.user):
        return private(render(request, "referrals/appointment_forbidden.html", status=403))
    now = timezone.now()
    appointments = list(_appointments(request.user).filter(patient=request.user).order_by("slot__start"))
    requests = list(ChangeRequest.objects.filter(appointment__in=[a.pk for a in appointments]))
    known = booking.locations()
    upcoming = [_row(a, known, requests=requests) for a in appointments
                if a.status == Appointment.Status.BOOKED and a.slot.end > now]
    past = [_row(a, known, requests=requests) for a in reversed(appointments)
            if not (a.status == Appointment.Status.BOOKED and a.slot.end > now)]
    for row in upcoming:
        open_kinds = {r.kind for r in row["requests"] if r.outcome == ChangeRequest.Outcome.OPEN}
        row["can_ask"] = len(open_kinds) < len(ChangeRequest.Kind.values)
        row["has_open"] = bool(open_kinds)
    return private(render(request, "referrals/appointment_list.html", {"upcoming": upcoming, "past": past}))


def _team_list(request):
    now = timezone.now()
    appointments = list(_appointments(request.user).filter(status=Appointment.Status.BOOKED)
                        .order_by("slot__start")[:STAFF_LIST_LIMIT])
    audit.record_reads(request.user, {a.patient_id: a.patient for a in appointments}.values(),
                       object_type="referrals.appointment", detail="appointment list")
    known = booking.locations()
    rows = [_row(a, known) | {"started": a.slot.start <= now} for a in appointments]
    open_requests = _requests(request.user).filter(outcome=ChangeRequest.Outcome.OPEN).count()
    return private(render(request, "referrals/appointment_team.html",
                          {"rows": rows, "open_requests": open_requests}))


# --- the patient: calendar file and change requests ----------------------------------------------

@require_GET
def calendar_file(request, pk: int):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    appointment = get_object_or_404(_appointments(request.user), pk=pk)
    if appointment.patient_id != request.user.pk:
        audit.record(request.user, audit.READ, appointment, patient=appointment.patient,
                     detail="appointment calendar file")
    known = booking.locations()
    body = appointment_ics(
        uid=f"{appointment.fhir_id}@careguide", start=appointment.slot.start, end=appointment.slot.end,
        location=booking.place(appointment.slot.location, known).for_calendar, stamp=timezone.now(),
        cancelled=appointment.status == Appointment.Status.CANCELLED)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    start = timezone.localtime(appointment.slot.start)
    response["Content-Disposition"] = f'attachment; filename="cancer-care-appointment-{start:%Y-%m-%d}.ics"'
    return private(response)


class ChangeForm(forms.Form):
    kind = forms.ChoiceField(
        label="What would you like to do?", widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to cancel or change the time",
                        "invalid_choice": "Choose whether to cancel or change the time"})
    message = forms.CharField(
        label="Anything the team should know", required=False, max_length=1000,
        help_text="For example, days or times that suit you better. Do not write about symptoms here.",
        widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        labels = {ChangeRequest.Kind.CANCEL: "Cancel this appointment",
                  ChangeRequest.Kind.CHANGE: "Change to another time"}
        self.fields["kind"].choices = [(k, labels[k]) for k in kinds]


@require_http_methods(["GET", "POST"])
def change(request, pk: int):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    # Only the patient asks: their care team changes appointments directly.
    appointment = get_object_or_404(_appointments(request.user).filter(patient=request.user), pk=pk)
    known = booking.locations()
    kinds = [k for k in ChangeRequest.Kind.values if booking.open_request(appointment, k) is None]
    usable = appointment.status == Appointment.Status.BOOKED and appointment.slot.end > timezone.now()
    if request.method == "POST" and booking.same_request_open(
            appointment, request.POST.get("kind", ""), request.POST.get("message", "")):
        messages.success(request, REQUEST_RECEIVED)  # the same request sent again
        return redirect("appointments:mine")
    form = ChangeForm(request.POST or None, kinds=kinds)
    if request.method == "POST" and usable and kinds and form.is_valid():
        try:
            booking.ask_for_change(appointment, form.cleaned_data["kind"], form.cleaned_data["message"],
                                   actor=request.user)
        except booking.BookingError as exc:
            add_service_error(form, exc.field, str(exc))
        else:
            messages.success(request, REQUEST_RECEIVED)
            return redirect("appointments:mine")
    return private(render(request, "referrals/change_request.html", {
        "form": form, "row": _row(appointment, known), "usable": usable, "kinds": kinds}))


# --- the care team: cancel, attended, missed -----------------------------------------------------

class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Why is it cancelled?", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The patient sees this. For example: the doctor is away that day.",
        error_messages={"required": "Give a reason for cancelling the appointment"})


@require_http_methods(["GET", "POST"])
@care_team_only
def cancel(request, pk: int):
    appointment = get_object_or_404(_appointments(request.user), pk=pk)
    audit.record(request.user, audit.READ, appointment, patient=appointment.patient, detail="cancel page")
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            booking.cancel(appointment, actor=request.user, reason=form.cleaned_data["reason"])
        except booking.BookingError as exc:
            form.add_error("reason", str(exc))
        else:
            messages.success(request, f"The appointment for {display_name(appointment.patient)} is "
                                      "cancelled. The time is free again.")
            return redirect("appointments:mine")
    return private(render(request, "referrals/appointment_cancel.html", {
        "form": form, "row": _row(appointment, booking.locations()),
        "booked": appointment.status == Appointment.Status.BOOKED}))


@require_POST
@care_team_only
def outcome(request, pk: int):
    appointment = get_object_or_404(_appointments(request.user), pk=pk)
    chosen = request.POST.get("outcome", "")
    try:
        booking.record_outcome(appointment, chosen, actor=request.user)
    except booking.BookingError as exc:
        messages.error(request, str(exc))
    else:
        word = "attended" if chosen == Appointment.Status.FULFILLED else "missed"
        messages.success(request, f"Marked {word}: {display_name(appointment.patient)}.")
    return redirect("appointments:mine")


# --- the care team: change requests --------------------------------------------------------------

def _requests(user):
    found = ChangeRequest.objects.select_related("appointment", "appointment__slot", "appointment__slot__clinician",
                                                 "appointment__patient", "appointment__referral")
    return (scoping.scope(found, user, patient_field="appointment__patient")
            | scoping.scope_referral(found, user, referral_field="appointment__referral"))


@require_GET
@care_team_only
def requests_list(request):
    found = list(_requests(request.user).filter(outcome=ChangeRequest.Outcome.OPEN)
                 .order_by("created_at", "pk")[:STAFF_LIST_LIMIT])
    audit.record_reads(request.user, {r.appointment.patient_id: r.appointment.patient for r in found}.values(),
                       object_type="referrals.changerequest", detail="change requests")
    known = booking.locations()
    return private(render(request, "referrals/change_requests.html", {
        "rows": [(r, _row(r.appointment, known)) for r in found]}))


class HandleForm(forms.Form):
    action = forms.ChoiceField(
        label="What did you do?", widget=forms.RadioSelect,
        choices=[("cancel", "Cancel the appointment (the time is freed; book a new one if needed)"),
                 ("done", "Done: the request is dealt with"),
                 ("declined", "Decline the request")],
        error_messages={"required": "Choose what to do with the request",
                        "invalid_choice": "Choose what to do with the request"})
    reply = forms.CharField(
        label="Reply to the patient", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The patient sees this on their appointments page. Needed when you decline.")


@require_http_methods(["GET", "POST"])
@care_team_only
def handle(request, pk: int):
    change_request = get_object_or_404(_requests(request.user), pk=pk)
    appointment = change_request.appointment
    audit.record(request.user, audit.READ, change_request, patient=appointment.patient, detail="change request")
    form = HandleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            booking.handle_request(change_request, form.cleaned_data["action"], actor=request.user,
                                   reply=form.cleaned_data["reply"])
        except booking.BookingError as exc:
            add_service_error(form, exc.field, str(exc))
        else:
            if form.cleaned_data["action"] == "cancel" and change_request.kind == ChangeRequest.Kind.CHANGE:
                messages.success(request, "The appointment is cancelled. Book the new time now.")
                return redirect("appointments:book", appointment.referral_id)
            messages.success(request, "The request is answered.")
            return redirect("appointments:requests")
    if change_request.outcome != ChangeRequest.Outcome.OPEN and request.method == "GET":
        form = None
    return private(render(request, "referrals/change_request_handle.html", {
        "form": form, "change": change_request, "row": _row(appointment, booking.locations())}))

