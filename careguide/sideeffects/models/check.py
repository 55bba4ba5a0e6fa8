"""A signed-in patient's completed side-effect check: the answers (a QuestionnaireResponse),
what they meant for the rules (the contract input) and what the rules said."""

from django.conf import settings
from django.db import models


class SideEffectCheck(models.Model):
    patient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="side_effect_checks")
    response = models.OneToOneField("questionnaires.QuestionnaireResponse", on_delete=models.PROTECT,
                                    related_name="side_effect_check")
    contract_input = models.JSONField()
    disposition = models.CharField(max_length=16)
    reasons = models.JSONField(default=list)
    # Kept so the page shows what was decided then, even after the rules change.
    explanations = models.JSONField(default=list)
    findings = models.JSONField(default=list)
    # Answers that are not contract fields: e.g. the temperature was not checked, free text.
    notes = models.JSONField(default=dict)
    rule_set_version = models.CharField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)
    # False while the person has stopped at an emergency or red answer and not (yet) answered
    # the rest; the answers they add later can only add findings.
    complete = models.BooleanField(default=True)
    # The care team's latest triage event for this check, and whether the check raised an alert.
    event = models.ForeignKey("alerts.TriageEvent", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    alert_raised = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["patient", "-created_at"])]

    def __str__(self):
        return f"Side-effect check {self.pk}"
