"""Care-team staff book a slot for an accepted referral.

Thin: the referral is found only through careguide.careteam.scoping (another team's referral
is a 404), the slots come from ``booking.free_slots`` and the write is ``booking.book``.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from careguide.accounts.names import display_name
from careguide.audit import service as audit
from careguide.careteam import access, scoping
from careguide.core import untrusted
from careguide.core.http import private

from .. import booking
from ..models import Referral
from ..slots import group_for_offer

MAX_OFFERED = 120  # about a week of one clinician's clinics; the filters narrow the rest


care_team_only = access.care_team_only(lambda request: private(
    render(request, "referrals/appointment_forbidden.html", {"for_staff": True}, status=403)))


def _filters(request, known):
    """The location and clinician chosen in the filter form; unknown values are ignored."""
    location = request.GET.get("location", "")
    if location not in known:
        location = ""
    clinicians = list(booking.care_team_clinicians())
    clinician = request.GET.get("clinician", "")
    if not any(str(c.pk) == clinician for c in clinicians):
        clinician = ""
    return location, clinician, clinicians


def _booked(request, context, appointment):
    start = timezone.localtime(appointment.slot.start)
    messages.success(request, f"Booked for {context['patient_label']}: {start:%A %B} {start.day} at {start:%H:%M}.")
    return redirect("appointments:mine")


@require_http_methods(["GET", "POST"])
@care_team_only
def book(request, referral_pk: int):
    referral = get_object_or_404(
        scoping.scope_referral(Referral.objects.select_related("patient", "referrer"), request.user, referral_field=""),
        pk=referral_pk)
    audit.record(request.user, audit.READ, referral, patient=referral.patient, detail="booking page")
    known = booking.locations()
    context = {"referral": referral, "patient_label": display_name(referral.patient),
               "urgent": referral.urgency == Referral.Urgency.URGENT}
    slot_id = untrusted.record_id(request.POST.get("slot", "")) if request.method == "POST" else None
    if slot_id is not None and (done := booking.booked_for(referral, slot_id)):
        return _booked(request, context, done)  # the form sent again after it booked
    if referral.status != Referral.Status.ACCEPTED:
        return private(render(request, "referrals/booking_unavailable.html", context))

    error = ""
    if request.method == "POST":
        if slot_id is None:
            error = "Choose a time from the list."
        else:
            try:
                appointment = booking.book(referral, slot_id, actor=request.user)
            except booking.BookingError as exc:
                error = str(exc)
            else:
                return _booked(request, context, appointment)

    location, clinician, clinicians = _filters(request, known)
    slots = booking.free_slots()
    if location:
        slots = slots.filter(location=location)
    if clinician:
        slots = slots.filter(clinician_id=int(clinician))
    offered = list(slots[:MAX_OFFERED])
    groups = group_for_offer(offered, urgent=context["urgent"], today=timezone.localdate(),
                             zone=booking.local_zone())
    rows = [(group, [(slot, booking.place(slot.location, known), display_name(slot.clinician))
                     for slot in group.slots]) for group in groups]
    context.update({
        "groups": rows, "error": error, "locations": known.values(), "clinicians": clinicians,
        "chosen_location": location, "chosen_clinician": clinician, "truncated": len(offered) == MAX_OFFERED,
        "any_slots": bool(offered),
    })
    return private(render(request, "referrals/booking.html", context))
