"""The symptom diary: which symptoms a patient tracks, and one entry a day.

Patient data: views reach it only through ``for_user`` (own) or ``careteam.scoping.scope``
(a care team's patients); every write goes through ``careguide.diary.services``.

Corrections: an entry is never edited. Saving the diary again on the same day stores a new
version and marks the previous one ``superseded`` (the only field ever changed, in the same
transaction, audited). So at most one current entry exists per patient per day (a database
constraint), and the history of what was said, and what the rules answered, is kept.
The same form sent twice stores one entry: each form shown carries a one-time key
(careguide.accounts.once).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from careguide.core.models import OwnRowsQuerySet
from careguide.triage.engine import Finding, Result


class PatientDataQuerySet(OwnRowsQuerySet):
    owner = "patient"


class TrackedSymptom(models.Model):
    patient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="diary_symptoms")
    term = models.CharField(max_length=80)  # a PRO-CTCAE symptom term, e.g. "Nausea"
    position = models.PositiveSmallIntegerField(default=0)
    added_at = models.DateTimeField(auto_now_add=True)

    objects = PatientDataQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["patient", "term"], name="diary_track_term_once")]

    def __str__(self):
        return self.term


class DiaryEntry(models.Model):
    class Temperature(models.TextChoices):
        CELSIUS = "C", "°C"
        FAHRENHEIT = "F", "°F"
        NOT_CHECKED = "not_checked", "Not checked"

    patient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="diary_entries")
    date = models.DateField()
    version = models.PositiveSmallIntegerField(default=1)
    superseded = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    # Safety questions asked every day. The temperature as entered, and in Celsius for the rules.
    temperature_unit = models.CharField(max_length=12, choices=Temperature.choices)
    temperature_entered = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    temperature_c = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    generally_unwell = models.BooleanField()
    chest_pain = models.BooleanField()
    bleeding = models.PositiveSmallIntegerField()  # contract grade 0-2
    saddle_numbness = models.BooleanField()
    bladder_bowel_loss = models.BooleanField()
    # Contract fields asked directly for tracked symptoms (counts, diarrhoea and rash follow-ups).
    asked = models.JSONField(default=dict, blank=True)
    antidiarrhoeal_failed = models.BooleanField(default=False)

    # What the side-effect rules answered, kept whole so the result page shows it as it was.
    contract_input = models.JSONField(default=dict)
    disposition = models.CharField(max_length=16)
    reasons = models.JSONField(default=list)
    explanations = models.JSONField(default=list)
    findings = models.JSONField(default=list)
    rule_set_version = models.CharField(max_length=64)
    crosswalk_version = models.CharField(max_length=64)

    objects = PatientDataQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "date", "version"], name="diary_entry_version_once"),
            models.UniqueConstraint(
                fields=["patient", "date"], condition=Q(superseded=False), name="diary_one_current_entry_a_day"
            ),
        ]

    def __str__(self):
        return f"Diary entry {self.pk} ({self.date}, version {self.version})"

    def result(self):
        """The stored ``Result``, for the guidance that was shown when the entry was saved."""
        return Result(
            disposition=self.disposition,
            reasons=list(self.reasons),
            rule_set_version=self.rule_set_version,
            explanations=list(self.explanations),
            findings=tuple(Finding(**f) for f in self.findings),
        )


class SymptomAnswer(models.Model):
    """One symptom in one entry: the PRO-CTCAE answers (0-4) and the composite grade (0-3)."""

    entry = models.ForeignKey(DiaryEntry, on_delete=models.CASCADE, related_name="answers")
    term = models.CharField(max_length=80)
    frequency = models.PositiveSmallIntegerField(null=True, blank=True)
    severity = models.PositiveSmallIntegerField(null=True, blank=True)
    # Also holds hair loss's "amount", graded in the same column of the table.
    interference = models.PositiveSmallIntegerField(null=True, blank=True)
    present = models.BooleanField(null=True, blank=True)  # yes/no terms only
    composite_grade = models.PositiveSmallIntegerField(null=True, blank=True)  # None for yes/no terms

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["entry", "term"], name="diary_answer_term_once")]

    def __str__(self):
        return self.term
