"""Triage results of signed-in patients, the alerts they raise for the care team, and each
alert's status history.

Every row here is written once. Results and status rows never change; an alert's ``status``
column is a copy of its latest status row, kept for sorting the queue, and only
``careguide.alerts.services`` moves it, in the same transaction as the new status row.
Staff reach these rows only through ``careguide.careteam.scoping.scope``.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from careguide.core.models import ImmutableError, StatusStep, WriteOnce  # noqa: F401 (ImmutableError: part of this module's API)

from . import rules


class TriageEvent(WriteOnce):
    """One result of a patient: every side-effect result (the check, a diary entry), and each
    back-pain program result that raises an alert (rules.BACK_PAIN_ALERTS)."""

    class Source(models.TextChoices):
        CHECK = "check", "Side-effect check"
        DIARY = "diary", "Symptom diary"
        BACK_PAIN = rules.BACK_PAIN_SOURCE, "Back pain program"

    class Disposition(models.TextChoices):
        EMERGENCY = "emergency", "Emergency"
        RED = "red", "Red"
        AMBER = "amber", "Amber"
        GREEN = "green", "Green"
        # Back pain (triage/rules/back_pain.yaml): the gate's results, and a high pain score.
        URGENT = "urgent", "A doctor today"
        SEE_DOCTOR_FIRST = "see_doctor_first", "See a doctor first"
        HIGH_PAIN = "high_pain", "High pain"

    patient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="triage_events")
    at = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=16, choices=Source.choices)
    # Where the patient's own record of this result lives (check result page, diary entry).
    source_url = models.CharField(max_length=300, blank=True)
    disposition = models.CharField(max_length=16, choices=Disposition.choices)
    reasons = models.JSONField(default=list)  # rule ids, most urgent first
    explanations = models.JSONField(default=list)  # one plain sentence per reason
    # Each reported symptom with its own level: [{"symptom", "level", "rule", "why"}].
    findings = models.JSONField(default=list)
    rule_set_version = models.CharField(max_length=40)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["patient", "-at"], name="alerts_event_patient_at")]

    def __str__(self):
        return f"Triage event {self.pk} ({self.source})"


class Alert(WriteOnce):
    """A result the care team must look at. Open until a team member resolves it."""

    class Kind(models.TextChoices):
        EMERGENCY = rules.EMERGENCY, rules.KIND_LABELS[rules.EMERGENCY]
        RED = rules.RED, rules.KIND_LABELS[rules.RED]
        AMBER_NOT_BETTER = rules.AMBER_NOT_BETTER, rules.KIND_LABELS[rules.AMBER_NOT_BETTER]
        SAME_DAY = rules.SAME_DAY, rules.KIND_LABELS[rules.SAME_DAY]
        HIGH_PAIN = rules.HIGH_PAIN, rules.KIND_LABELS[rules.HIGH_PAIN]
        DOCTOR_REVIEW = rules.DOCTOR_REVIEW, rules.KIND_LABELS[rules.DOCTOR_REVIEW]

    class Status(models.TextChoices):
        NEW = rules.NEW, rules.STATUS_LABELS[rules.NEW]
        ACKNOWLEDGED = rules.ACKNOWLEDGED, rules.STATUS_LABELS[rules.ACKNOWLEDGED]
        RESOLVED = rules.RESOLVED, rules.STATUS_LABELS[rules.RESOLVED]

    patient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts")
    event = models.ForeignKey(TriageEvent, on_delete=models.CASCADE, related_name="alerts")
    # For "amber, not better": the earlier amber result this one did not improve on.
    previous_event = models.ForeignKey(
        TriageEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    urgency = models.PositiveSmallIntegerField()  # rules.URGENCY: 0 is the most urgent
    created_at = models.DateTimeField(default=timezone.now)
    # Copy of the latest AlertStatus, for sorting and filtering the queue (see module docstring).
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)

    class Meta:
        ordering = ["urgency", "created_at", "pk"]
        indexes = [models.Index(fields=["status", "urgency", "created_at"], name="alerts_queue_order")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=rules.STATUSES), name="alerts_alert_status_valid"
            ),
        ]

    def __str__(self):
        return f"Alert {self.pk} ({self.kind}, {self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in rules.OPEN_STATUSES

    @property
    def reason(self) -> str:
        """Why it was raised, in plain words (needs ``event``; the views select it with the alert)."""
        return rules.reason(self.event.source, self.event.disposition, self.kind)


class AlertStatus(StatusStep):
    """One step of an alert's life: who moved it to which status, when, and why."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="history")
    status = models.CharField(max_length=16, choices=Alert.Status.choices)
    note = models.TextField(blank=True)

    class Meta(StatusStep.Meta):
        verbose_name = "alert status"
        verbose_name_plural = "alert statuses"
