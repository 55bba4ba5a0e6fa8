"""A patient's treatment plans: a template applied with a start date, as dated phases.

``TreatmentPlan`` records which template (id and version) and which parameters made it, so a
later change to a template file never rewrites a plan a patient already has. Its phases are
rows of their own that the care team may move, annotate, remove or add to. A plan ends as
completed or stopped; each status is one ``PlanStatus`` row, written once, with who and when,
and ``TreatmentPlan.status`` is a copy of the latest, changed only by ``services``.
A patient may have several active plans at once (chemotherapy and radiation, say); the
timeline shows them together.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from careguide.core.models import ImmutableError, StatusStep, WriteOnce  # noqa: F401 (ImmutableError: part of this module's API)


class TreatmentPlan(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        STOPPED = "stopped", "Stopped"

    fhir_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="treatment_plans")
    template_id = models.CharField(max_length=60)
    template_version = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    parameters = models.JSONField(default=dict, blank=True)
    start_date = models.DateField()
    # Copy of the latest PlanStatus (see the module docstring).
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["start_date", "pk"]
        indexes = [models.Index(fields=["patient", "status"], name="journey_plan_patient_status")]

    def __str__(self):
        return f"Treatment plan {self.pk} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def template_reference(self) -> str:
        return f"{self.template_id}|{self.template_version}"


class PlanStatus(StatusStep):
    """One status of a plan: who set it, and when."""

    plan = models.ForeignKey(TreatmentPlan, on_delete=models.CASCADE, related_name="history")
    status = models.CharField(max_length=10, choices=TreatmentPlan.Status.choices)

    class Meta(StatusStep.Meta):
        verbose_name_plural = "plan statuses"


class PlanPhase(models.Model):
    class Kind(models.TextChoices):
        SPAN = "span", "A stretch of time"
        DAY = "day", "One day"
        WEEKDAYS = "weekdays", "Every weekday"
        CYCLES = "cycles", "Cycles"

    # Stable across date changes: the calendar export's UIDs and the FHIR activity follow it.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(TreatmentPlan, on_delete=models.CASCADE, related_name="phases")
    # The template's phase key, or "" for a phase the care team added.
    key = models.CharField(max_length=60, blank=True)
    title = models.CharField(max_length=200)
    purpose = models.TextField()
    library_url = models.CharField(max_length=200, blank=True)
    side_effects = models.JSONField(default=list, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SPAN)
    every_days = models.PositiveSmallIntegerField(null=True, blank=True)
    # Treatment days (ISO dates) for radiation and cycles.
    sessions = models.JSONField(default=list, blank=True)
    start_date = models.DateField()
    end_date = models.DateField()
    alongside = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)
    # From the care team to the patient, shown on the timeline.
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["start_date", "alongside", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")),
                                   name="journey_phase_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.title} ({self.start_date} to {self.end_date})"

    @property
    def session_dates(self) -> list[dt.date]:
        return [dt.date.fromisoformat(d) for d in self.sessions]
