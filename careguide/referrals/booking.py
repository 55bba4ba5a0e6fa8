"""Slots and appointments: publishing slots, booking, cancelling, attending, change requests.

Every write here runs in one transaction with its audit row and the referral's move
(careguide.referrals.workflow), so a booking, its "scheduled" status and the audit land
together or not at all. Audit details name the action only: never a reason or a message
(those are the patient's words or clinical notes).

No slot is booked twice: the slot row is locked while it is checked and booked, and the
database's partial unique constraint (referrals_one_booking_per_slot) refuses a second booked
appointment whatever happens, which this module turns into ``SlotTaken``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from wagtail.models import Site

from careguide.accounts.names import display_name
from careguide.audit import service as audit
from careguide.core.models import OrganizationSettings

from . import workflow
from .models import Appointment, ChangeRequest, ClinicSession, Referral, Slot
from .slots import SessionPattern, session_starts

TAKEN_MESSAGE = "That time was just taken. Choose another."
DEFAULT_DAYS = 28


class BookingError(ValueError):
    """A booking or change that cannot be made; ``field`` names the form field it concerns."""

    def __init__(self, message: str, field: str = "slot"):
        super().__init__(message)
        self.field = field


class SlotTaken(BookingError):
    def __init__(self):
        super().__init__(TAKEN_MESSAGE, "slot")


class SlotConfigError(ValueError):
    """A clinic session that cannot be published (e.g. a location not in the configuration)."""


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)



# --- locations (configuration) -----------------------------------------------------------------

@dataclass(frozen=True)
class Place:
    slug: str
    name: str
    address: str
    phone: str

    @property
    def for_calendar(self) -> str:
        """The address when configured; the name otherwise, so a calendar still says where."""
        return f"{self.name}, {self.address}" if self.address else self.name


def locations() -> dict[str, Place]:
    """The organization's locations (OrganizationSettings of the default site), by slug."""
    site = Site.objects.filter(is_default_site=True).first() or Site.objects.first()
    if site is None:
        return {}
    org = OrganizationSettings.for_site(site)
    return {loc.slug: Place(loc.slug, loc.name, loc.address, loc.phone) for loc in org.locations.all()}


def place(slug: str, known: dict[str, Place] | None = None) -> Place:
    known = locations() if known is None else known
    return known.get(slug) or Place(slug, slug.replace("-", " ").title(), "", "")


def care_team_clinicians() -> QuerySet:
    """Staff who can hold clinics: active members of a care team."""
    return (get_user_model().objects.filter(is_active=True, care_team_memberships__isnull=False)
            .distinct().order_by("last_name", "first_name", "username"))


# --- publishing slots --------------------------------------------------------------------------

def check_sessions(sessions, known: dict[str, Place]) -> None:
    problems = [
        f"Clinic session {s.pk} ({display_name(s.clinician)}, {s.get_weekday_display()}): location "
        f"'{s.location}' is not one of the organization's locations ({', '.join(sorted(known)) or 'none'})."
        for s in sessions if s.location not in known
    ]
    if problems:
        raise SlotConfigError(" ".join(problems))


def publish_slots(days: int = DEFAULT_DAYS, *, now: datetime | None = None) -> int:
    """Create the slots of every active session for the next ``days`` days; return how many are new.

    Idempotent: a slot that exists for the clinician at that start is kept as it is (it may be
    booked). Slots in the past are never created. All sessions are checked before anything
    is written, so a configuration error leaves the slots untouched."""
    if days < 1:
        raise SlotConfigError("--days must be 1 or more.")
    now = now or timezone.now()
    zone = local_zone()
    sessions = list(ClinicSession.objects.filter(active=True).select_related("clinician"))
    check_sessions(sessions, locations())
    wanted: dict[tuple[int, datetime], Slot] = {}
    for session in sessions:
        pattern = SessionPattern(session.weekday, session.start_time, session.end_time, session.slot_minutes)
        for start, end in session_starts(pattern, now.astimezone(zone).date(), days, zone, now):
            wanted.setdefault((session.clinician_id, start), Slot(
                clinician_id=session.clinician_id, location=session.location, start=start, end=end,
                session=session))
    if not wanted:
        return 0
    with transaction.atomic():
        existing = set(Slot.objects.filter(
            clinician_id__in={c for c, _ in wanted}, start__gte=min(s for _, s in wanted),
            start__lte=max(s for _, s in wanted)).values_list("clinician_id", "start"))
        new = [slot for key, slot in wanted.items() if key not in existing]
        # ignore_conflicts: a second publisher running at the same moment must not fail this one.
        Slot.objects.bulk_create(new, ignore_conflicts=True)
        audit.record(None, audit.CREATE, object_type="referrals.slot", system="publish-slots",
                     detail=f"{len(new)} slots published")
    return len(new)


# --- finding free slots --------------------------------------------------------------------------

def booked_in(slot=None):
    """The booked appointment of ``slot``; without one, of the outer query's slot (a subquery)."""
    return Appointment.objects.filter(slot=OuterRef("pk") if slot is None else slot,
                                      status=Appointment.Status.BOOKED)


def free_slots(*, now: datetime | None = None) -> QuerySet:
    """Future slots without a booked appointment, earliest first."""
    now = now or timezone.now()
    return (Slot.objects.filter(start__gt=now).exclude(Exists(booked_in()))
            .select_related("clinician").order_by("start", "clinician_id"))


# --- booking -------------------------------------------------------------------------------------

def book(referral: Referral, slot_id: int, *, actor) -> Appointment:
    """Book ``slot_id`` for ``referral``; raise SlotTaken if it is no longer free and
    BookingError / workflow.TransitionError when the booking cannot be made."""
    with transaction.atomic():
        # The lock makes concurrent bookers of one slot wait for each other; on databases
        # without row locks (SQLite, which serialises writers) the constraint still holds.
        slot = Slot.objects.select_for_update().filter(pk=slot_id).first()
        if slot is None:
            raise BookingError("Choose a time from the list.")
        booked = booked_in(slot).first()
        if booked is not None and booked.referral_id == referral.pk:
            return booked  # the same booking sent twice (a double click, back and resend)
        if slot.start <= timezone.now():
            raise BookingError("That time has passed. Choose another.")
        if booked is not None:
            raise SlotTaken()
        try:
            with transaction.atomic():  # a savepoint: the race's IntegrityError must not poison the rest
                appointment = Appointment.objects.create(
                    slot=slot, referral=referral, patient=referral.patient, booked_by=actor)
        except IntegrityError:
            raise SlotTaken() from None
        try:
            workflow.move(referral, Referral.Status.SCHEDULED, actor=actor)
        except workflow.TransitionError as exc:
            raise BookingError(str(exc), "slot") from exc
        audit.record(actor, audit.CREATE, appointment, patient=referral.patient, detail="appointment booked")
    return appointment


def booked_for(referral: Referral, slot_id: int) -> Appointment | None:
    """The referral's booked appointment in slot ``slot_id``, if any: a booking form sent again
    after it was booked finds it."""
    return booked_in(slot_id).filter(referral=referral).select_related("slot").first()


def _locked(appointment: Appointment) -> Appointment:
    return Appointment.objects.select_for_update().select_related("referral", "slot").get(pk=appointment.pk)


def cancel(appointment: Appointment, *, actor, reason: str) -> Appointment:
    """Cancel a booked appointment: the slot is free again and the referral goes back to
    accepted, so a new time can be booked."""
    reason = (reason or "").strip()
    if not reason:
        raise BookingError("Give a reason for cancelling the appointment.", "reason")
    with transaction.atomic():
        locked = _locked(appointment)
        if locked.status == Appointment.Status.CANCELLED and locked.cancelled_reason == reason:
            return locked  # the same cancellation sent twice
        if locked.status != Appointment.Status.BOOKED:
            raise BookingError(f"This appointment is already {locked.get_status_display().lower()}.", "reason")
        locked.status = Appointment.Status.CANCELLED
        locked.cancelled_reason = reason
        locked.save(update_fields=["status", "cancelled_reason"])
        if locked.referral.status == Referral.Status.SCHEDULED:
            workflow.move(locked.referral, Referral.Status.ACCEPTED, actor=actor,
                          reason="The appointment was cancelled.")
        audit.record(actor, audit.UPDATE, locked, patient=locked.patient, detail="appointment cancelled")
    return locked


def record_outcome(appointment: Appointment, outcome: str, *, actor, now: datetime | None = None) -> Appointment:
    """Mark a booked appointment attended (the referral is completed) or missed (the referral
    goes back to accepted for a new time). Only once the appointment's time has come."""
    if outcome not in (Appointment.Status.FULFILLED, Appointment.Status.NOSHOW):
        raise BookingError("Choose attended or missed.", "outcome")
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(appointment)
        if locked.status == outcome:
            return locked  # the same answer sent twice
        if locked.status != Appointment.Status.BOOKED:
            raise BookingError(f"This appointment is already {locked.get_status_display().lower()}.", "outcome")
        if locked.slot.start > now:
            raise BookingError("This appointment has not started yet. Mark it once its time has come.", "outcome")
        locked.status = outcome
        locked.save(update_fields=["status"])
        if outcome == Appointment.Status.FULFILLED:
            workflow.move(locked.referral, Referral.Status.COMPLETED, actor=actor)
        else:
            workflow.move(locked.referral, Referral.Status.ACCEPTED, actor=actor,
                          reason="The patient missed the appointment.")
        audit.record(actor, audit.UPDATE, locked, patient=locked.patient, detail=f"appointment {outcome}")
    return locked


# --- change requests -----------------------------------------------------------------------------

def open_request(appointment: Appointment, kind: str) -> ChangeRequest | None:
    return appointment.change_requests.filter(kind=kind, outcome=ChangeRequest.Outcome.OPEN).first()


def same_request_open(appointment: Appointment, kind: str, message: str) -> ChangeRequest | None:
    """The open request this form would make, if it was made already (the form sent twice)."""
    return appointment.change_requests.filter(kind=kind, outcome=ChangeRequest.Outcome.OPEN,
                                              message=(message or "").strip()).first()


def ask_for_change(appointment: Appointment, kind: str, message: str, *, actor) -> ChangeRequest:
    """The patient asks to cancel or move their appointment; one open request of each kind.
    The same request sent twice returns the first."""
    if kind not in ChangeRequest.Kind.values:
        raise BookingError("Choose whether to cancel or change the time.", "kind")
    with transaction.atomic():
        locked = _locked(appointment)
        if (same := same_request_open(locked, kind, message)) is not None:
            return same
        if locked.status != Appointment.Status.BOOKED:
            raise BookingError("This appointment can no longer be changed. Call the care team.", "kind")
        if open_request(locked, kind) is not None:
            raise BookingError("You have already asked for this. The team will contact you.", "kind")
        request = ChangeRequest.objects.create(appointment=locked, kind=kind, message=(message or "").strip())
        audit.record(actor, audit.CREATE, request, patient=locked.patient, detail=f"change request {kind}")
    return request


def handle_request(change: ChangeRequest, action: str, *, actor, reply: str = "",
                   now: datetime | None = None) -> ChangeRequest:
    """Staff answer a change request: ``cancel`` (cancel the appointment, the request is done),
    ``done`` or ``declined``, with a reply the patient sees (required when declining)."""
    reply = (reply or "").strip()
    if action not in ("cancel", "done", "declined"):
        raise BookingError("Choose what to do with the request.", "action")
    if action == "declined" and not reply:
        raise BookingError("Write a reply that tells the patient why.", "reply")
    with transaction.atomic():
        locked = ChangeRequest.objects.select_for_update().get(pk=change.pk)
        if _answered_so(locked, action, actor, reply):
            return locked  # the same answer sent twice
        if locked.outcome != ChangeRequest.Outcome.OPEN:
            raise BookingError("Someone has already answered this request.", "action")
        if action == "cancel":
            cancel(locked.appointment, actor=actor,
                   reason=f"Cancelled at the patient's request ({locked.get_kind_display().lower()}).")
        locked.outcome = ChangeRequest.Outcome.DECLINED if action == "declined" else ChangeRequest.Outcome.DONE
        locked.reply = reply
        locked.handled_by = actor
        locked.handled_at = now or timezone.now()
        locked.save(update_fields=["outcome", "reply", "handled_by", "handled_at"])
        audit.record(actor, audit.UPDATE, locked, patient=locked.appointment.patient,
                     detail=f"change request {locked.outcome}")
    return locked



def _answered_so(request: ChangeRequest, action: str, actor, reply: str) -> bool:
    """True when ``actor`` already answered ``request`` with this action and reply."""
    outcome = ChangeRequest.Outcome.DECLINED if action == "declined" else ChangeRequest.Outcome.DONE
    return (request.outcome == outcome and request.handled_by_id == getattr(actor, "pk", None)
            and request.reply == reply)
