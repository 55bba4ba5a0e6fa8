"""Referrals to Cancer Care, the clinic's appointment slots and the appointments booked in them.

A referral (a FHIR ServiceRequest) moves through ``workflow.TRANSITIONS``; each step is one
``ReferralStatus`` row, written once, with who and when. ``Referral.status`` is a copy of the
latest row, kept for queues, and only ``careguide.referrals.workflow.move`` changes it, in the
same transaction as the new row.

Slots are published from ``ClinicSession`` rows (a clinician at a location on a weekday).
An appointment books one slot for one referral; the database refuses a second booked
appointment in the same slot (``one_booking_per_slot``), whatever the application does.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from careguide.core.models import ImmutableError, StatusStep, WriteOnce  # noqa: F401 (ImmutableError: part of this module's API)


class Referral(models.Model):
    class Urgency(models.TextChoices):
        ROUTINE = "routine", "Routine"
        URGENT = "urgent", "Urgent"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SENT = "sent", "Sent"
        ACCEPTED = "accepted", "Accepted"
        SCHEDULED = "scheduled", "Scheduled"
        COMPLETED = "completed", "Completed"
        REJECTED = "rejected", "Rejected"
        CANCELLED = "cancelled", "Cancelled"

    fhir_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals")
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals_made"
    )
    reason = models.CharField(max_length=300)
    notes = models.TextField(blank=True)
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    # Copy of the latest ReferralStatus (see the module docstring).
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    # The care team that accepted the referral and now looks after the patient.
    team = models.ForeignKey(
        "careteam.CareTeam", null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The patient's answers to the pre-visit questionnaire for their first visit, once sent.
    previsit_response = models.ForeignKey(
        "questionnaires.QuestionnaireResponse", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "urgency", "created_at"], name="referrals_queue_order")]

    def __str__(self):
        return f"Referral {self.pk} ({self.status})"


class ReferralStatus(StatusStep):
    """One step of a referral: who moved it to which status, when, and why."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="history")
    status = models.CharField(max_length=12, choices=Referral.Status.choices)
    reason = models.TextField(blank=True)

    class Meta(StatusStep.Meta):
        verbose_name = "referral status"
        verbose_name_plural = "referral statuses"


class ReferralConsent(WriteOnce):
    """The patient agreed that the care team that accepted their referral sees their other
    records (diary, checks, answers, plans...), with the words they were shown. Until there is
    one, that team sees only the referral itself (careguide.careteam.scoping, ADR 0023)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="consents")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    by_label = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField(default=timezone.now)
    wording = models.TextField(help_text="The words the patient saw when they agreed.")

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = "referral consent"

    def __str__(self):
        return f"Records shared with the team of referral {self.referral_id} ({self.at:%Y-%m-%d})"


class ClinicSession(models.Model):
    """A clinician sees patients at a location on a weekday; slots are published from these."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    clinician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinic_sessions")
    # A Location.slug of OrganizationSettings (configuration: content/site.yaml).
    location = models.SlugField(max_length=80)
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start_time = models.TimeField()
    end_time = models.TimeField()
    slot_minutes = models.PositiveSmallIntegerField(default=30)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["clinician_id", "weekday", "start_time"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_time__gt=models.F("start_time")),
                                   name="referrals_session_ends_after_start"),
            models.CheckConstraint(condition=models.Q(slot_minutes__gte=5), name="referrals_session_slot_length"),
        ]

    def __str__(self):
        return f"{self.clinician} at {self.location}, {self.get_weekday_display()} {self.start_time:%H:%M}"


class Slot(models.Model):
    """A time a clinician can see one patient at a location (FHIR Slot)."""

    fhir_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="slots")
    location = models.SlugField(max_length=80)
    start = models.DateTimeField()
    end = models.DateTimeField()
    session = models.ForeignKey(ClinicSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="slots")

    class Meta:
        ordering = ["start", "clinician_id"]
        constraints = [
            models.UniqueConstraint(fields=["clinician", "start"], name="referrals_slot_once_per_clinician"),
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")),
                                   name="referrals_slot_ends_after_start"),
        ]
        indexes = [models.Index(fields=["location", "start"], name="referrals_slot_location_start")]

    def __str__(self):
        return f"Slot {self.start:%Y-%m-%d %H:%M} at {self.location}"


class Appointment(models.Model):
    """One booked visit: a slot, for a referral's patient (FHIR Appointment)."""

    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        CANCELLED = "cancelled", "Cancelled"
        FULFILLED = "fulfilled", "Attended"
        NOSHOW = "noshow", "Missed"

    fhir_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="appointments")
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="appointments")
    patient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.BOOKED)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    booked_at = models.DateTimeField(default=timezone.now)
    cancelled_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["slot__start", "pk"]
        constraints = [
            # Never two booked appointments in one slot, even under concurrent requests.
            models.UniqueConstraint(
                fields=["slot"], condition=models.Q(status="booked"), name="referrals_one_booking_per_slot"
            ),
        ]

    def __str__(self):
        return f"Appointment {self.pk} ({self.status})"


class ChangeRequest(models.Model):
    """A patient asks to cancel or move an appointment; staff answer it."""

    class Kind(models.TextChoices):
        CANCEL = "cancel", "Cancel"
        CHANGE = "change", "Change the time"

    class Outcome(models.TextChoices):
        OPEN = "open", "Waiting"
        DONE = "done", "Done"
        DECLINED = "declined", "Declined"

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="change_requests")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.OPEN)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    reply = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} request {self.pk} ({self.outcome})"
