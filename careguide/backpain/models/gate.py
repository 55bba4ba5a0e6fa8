from django.conf import settings
from django.db import models


class ClearanceQuerySet(models.QuerySet):
    def for_user(self, user):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user=user)


class Clearance(models.Model):
    """"My doctor has cleared me": a person's own statement after a see-your-doctor-first result.

    It covers the red flags they had when they made it (`flags`), under the gate and rule-set
    versions they answered. A later check-in with a flag outside that set is not covered, and
    no clearance ever changes an urgent or emergency result (the rules enforce that).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    gate_response = models.ForeignKey(
        "questionnaires.QuestionnaireResponse", on_delete=models.PROTECT, related_name="clearances"
    )
    flags = models.JSONField(help_text="Contract field names that were true when the person attested.")
    questionnaire_version = models.CharField(max_length=64)
    rule_set_version = models.CharField(max_length=64)
    attested_at = models.DateTimeField(auto_now_add=True)

    objects = ClearanceQuerySet.as_manager()

    class Meta:
        ordering = ["-attested_at", "-pk"]

    def __str__(self):
        return f"Clearance {self.pk} ({self.attested_at:%Y-%m-%d})"

    def covers(self, flags):
        return set(flags) <= set(self.flags)
