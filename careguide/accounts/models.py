from django.conf import settings
from django.db import models


class ClinicalProfile(models.Model):
    """A staff member's clinical role, recorded on the pages they approve."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinical_profile"
    )
    role_title = models.CharField(
        max_length=120, help_text="Shown on pages you approve, e.g. 'Medical oncologist'."
    )

    def __str__(self):
        return f"{self.user} ({self.role_title})"
