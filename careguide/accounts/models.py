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


class ConsentRecord(models.Model):
    """A patient's agreement, kept with the exact words they agreed to and when.

    Rows are only ever added: a later change of mind is a new row, so the history of what a
    patient agreed to stays provable.
    """

    STORE_ANSWERS = "store-answers"
    PURPOSES = {STORE_ANSWERS: "Store the answers a patient gives"}

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(max_length=40, choices=PURPOSES)
    wording = models.TextField(help_text="The words the patient saw when they agreed.")
    given = models.BooleanField(default=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        verb = "agreed" if self.given else "withdrew"
        return f"{self.user} {verb}: {self.get_purpose_display()} ({self.at:%Y-%m-%d})"

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValueError("Consent records are never changed; add a new one.")
        super().save(*args, **kwargs)


class PendingRegistration(models.Model):
    """Someone asked for an account for this email address; the account is made only when the
    owner of the address follows the link we emailed (careguide.accounts.registration).

    The link's token is kept only as its SHA-256 digest. Rows older than the link's lifetime
    are deleted by the next registration; the account's own rows replace them.
    """

    email = models.CharField(max_length=150, db_index=True)  # normalised: lower case
    first_name = models.CharField(max_length=150, blank=True)
    next_url = models.CharField(max_length=500, blank=True)  # a page on this site, checked when given
    token_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Registration started {self.created_at:%Y-%m-%d %H:%M}"


class SentForm(models.Model):
    """A form a person sent, by the one-time key it was shown with, and what it made: the same
    form sent again (a double click, back and resend) finds this row and what the first made,
    instead of making it twice (careguide.accounts.once). Names objects, never their contents."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    object_type = models.CharField(max_length=100)  # e.g. "referrals.referral"
    object_id = models.CharField(max_length=64)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="accounts_form_sent_once")]

    def __str__(self):
        return f"{self.object_type} {self.object_id}"
