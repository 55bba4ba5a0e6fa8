"""Clearances after a see-your-doctor-first result, and a patient's request to their care team for one.

A patient with a care team asks the team (``ClearanceRequest``); a nurse or oncologist of that
team records the clearance (a ``Clearance`` with who, when and which flags). A person without a
care team may still say "my doctor has cleared me" themselves: a self-reported ``Clearance``,
labelled as such wherever it shows. Both kinds are written once and never changed; a request's
answer is set once, by ``careguide.backpain.services`` (a conditional update, like alerts).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from careguide.core.models import OwnRowsQuerySet, WriteOnce


class ClearanceQuerySet(OwnRowsQuerySet):
    owner = "user"


class Clearance(WriteOnce):
    """Clearance for the program after a see-your-doctor-first result.

    It covers the red flags the person had then (`flags`), under the gate and rule-set versions
    they answered. A later check-in with a flag outside that set is not covered, and no
    clearance ever changes an urgent or emergency result (the rules enforce that).
    """

    class Source(models.TextChoices):
        SELF_REPORTED = "self_reported", "Self-reported by the patient"
        CARE_TEAM = "care_team", "Recorded by the care team"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    gate_response = models.ForeignKey(
        "questionnaires.QuestionnaireResponse", on_delete=models.PROTECT, related_name="clearances"
    )
    flags = models.JSONField(help_text="Contract field names that were true when the person attested.")
    questionnaire_version = models.CharField(max_length=64)
    rule_set_version = models.CharField(max_length=64)
    attested_at = models.DateTimeField(auto_now_add=True)  # when it was recorded, either way
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.SELF_REPORTED)
    # A care-team clearance: the clinician who recorded it, their name and role at the time, the request.
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cleared_by_label = models.CharField(max_length=200, blank=True)
    request = models.OneToOneField(
        "backpain.ClearanceRequest", null=True, blank=True, on_delete=models.PROTECT, related_name="clearance"
    )
    note = models.TextField(blank=True)

    objects = ClearanceQuerySet.as_manager()

    class Meta:
        ordering = ["-attested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(source="self_reported", cleared_by__isnull=True, request__isnull=True)
                | Q(source="care_team", request__isnull=False),
                name="backpain_clearance_source_matches",
            ),
        ]

    def __str__(self):
        return f"Clearance {self.pk} ({self.attested_at:%Y-%m-%d})"

    @property
    def self_reported(self) -> bool:
        return self.source == self.Source.SELF_REPORTED

    def covers(self, flags):
        return set(flags) <= set(self.flags)


class ClearanceRequestQuerySet(OwnRowsQuerySet):
    owner = "patient"

    def open(self):
        return self.filter(status=ClearanceRequest.Status.OPEN)


class ClearanceRequest(WriteOnce):
    """"Ask my care team to clear me": the flags of a see-your-doctor-first result, for the team.

    Written once; ``status`` and the answer (who, when, note) are set once, by
    ``services.answer_clearance_request``, with a conditional update. Staff reach these rows
    through ``careguide.careteam.scoping.scope``.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for the care team"
        CLEARED = "cleared", "Cleared"
        NOT_CLEARED = "not_cleared", "Not cleared"

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="backpain_clearance_requests"
    )
    gate_response = models.ForeignKey(
        "questionnaires.QuestionnaireResponse", on_delete=models.PROTECT, related_name="clearance_requests"
    )
    flags = models.JSONField(help_text="Contract field names that were true in the gate answers.")
    questionnaire_version = models.CharField(max_length=64)
    rule_set_version = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_by_label = models.CharField(max_length=200, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)  # to the patient; required when not cleared

    objects = ClearanceRequestQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["gate_response"], condition=Q(status="open"),
                                    name="backpain_one_open_request_per_answer"),
            models.CheckConstraint(condition=Q(status__in=["open", "cleared", "not_cleared"]),
                                   name="backpain_clearance_request_status_valid"),
        ]

    def __str__(self):
        return f"Clearance request {self.pk} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN
