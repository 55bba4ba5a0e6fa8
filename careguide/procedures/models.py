"""A patient's progress on a procedure checklist, and the reminders sent for it.

Patient data: the patient's own views reach it only through
``SavedChecklist.objects.for_user(request.user)``, so there is no id in any URL and nobody can
reach another person's checklist. Their care team reads it on the team's patient page
(``services.progress_for_team``, after the page has checked the team looks after the patient).
Every write goes through ``careguide.procedures.services``.
"""

from django.conf import settings
from django.db import models

from careguide.core.models import OwnRowsQuerySet


class PatientDataQuerySet(OwnRowsQuerySet):
    owner = "patient"


class SavedChecklist(models.Model):
    """One per patient and checklist. ``ticked`` holds item ids (stable across wording edits);
    ``version`` is the file's version when the patient last saved."""

    patient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="procedure_checklists")
    slug = models.SlugField(max_length=60)
    version = models.PositiveIntegerField()
    ticked = models.JSONField(default=list, blank=True)
    procedure_date = models.DateField(null=True, blank=True)
    remind = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PatientDataQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["patient", "slug"], name="procedures_one_checklist_each")]

    def __str__(self):
        return f"checklist {self.pk}"


class ReminderSent(models.Model):
    """Written once when a day-before email goes out, so a second run sends nothing. Keyed by the
    procedure date: if the patient moves the date, the new date gets its own reminder."""

    checklist = models.ForeignKey(SavedChecklist, on_delete=models.CASCADE, related_name="reminders")
    procedure_date = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["checklist", "procedure_date"], name="procedures_remind_once_per_date")
        ]

    def __str__(self):
        return f"reminder {self.pk}"
