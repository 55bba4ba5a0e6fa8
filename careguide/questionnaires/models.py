"""Stored FHIR resources: questionnaires (reference data) and their responses (patient data).

The JSON of each resource is kept exactly as it was accepted, so it round-trips through the
API unchanged; the columns beside it are copies for lookups.
"""

import uuid

from django.conf import settings
from django.db import models

from careguide.core.models import OwnRowsQuerySet

# The session list of anonymous responses made in this browser (services.submit_response).
SESSION_RESPONSES_KEY = "careguide_responses"
# How a response names the signed-in person who is its subject (services.subject_reference).
USER_IDENTIFIER_SYSTEM = "urn:careguide:user"


class QuestionnaireQuerySet(models.QuerySet):
    def live(self):
        """Versions people may answer: every version except those a clinical reviewer has not
        approved (a new version of a triage-bound questionnaire, versions.import_questionnaire)."""
        return self.filter(review_status=Questionnaire.Review.APPROVED)

    def current(self, url):
        """The newest active, approved version of the questionnaire with this canonical url."""
        return self.live().filter(url=url, status="active").order_by("-created_at", "-pk").first()


class Questionnaire(models.Model):
    """One version of a questionnaire. Its content never changes once stored (a change is a new
    version); a new version of a triage-bound questionnaire waits for a clinical reviewer."""

    class Review(models.TextChoices):
        APPROVED = "approved", "Approved"
        PENDING = "pending", "Waiting for clinical review"
        REJECTED = "rejected", "Not approved"

    fhir_id = models.CharField("FHIR id", max_length=64, unique=True)
    url = models.CharField("canonical url", max_length=255, blank=True, db_index=True)
    version = models.CharField(max_length=64, blank=True)
    name = models.CharField(max_length=255, blank=True)
    title = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=16, default="active")
    resource = models.JSONField()
    version_id = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # SHA-256 of the content (all but id, meta and status): the same url and version must
    # always have the same content.
    content_digest = models.CharField(max_length=64, blank=True)
    review_status = models.CharField(max_length=16, choices=Review.choices, default=Review.APPROVED)
    # Who sent it in, and the clinical reviewer's decision (or the sign-off file of a shipped one).
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)
    # What the tool's safety checks found when it came in (bindings.TriageBinding.safety_problems).
    safety_problems = models.JSONField(default=list, blank=True)

    objects = QuestionnaireQuerySet.as_manager()

    class Meta:
        ordering = ["title", "fhir_id"]
        constraints = [
            models.UniqueConstraint(fields=["url", "version"], condition=~models.Q(url=""),
                                    name="questionnaires_one_row_per_version"),
        ]

    def __str__(self):
        return self.title or self.name or self.fhir_id


class QuestionnaireResponseQuerySet(OwnRowsQuerySet):
    owner = "subject"

    def for_session(self, source):
        """Responses an anonymous visitor made in this browser session and not yet claimed.

        `source` is a request, its session, or the list of response ids the session keeps
        under SESSION_RESPONSES_KEY (session keys change at sign-in; the list survives).
        """
        session = getattr(source, "session", source)
        ids = session.get(SESSION_RESPONSES_KEY, []) if hasattr(session, "get") else source
        valid = []
        for value in ids or ():
            try:
                valid.append(uuid.UUID(str(value)))
            except ValueError:
                continue
        if not valid:
            return self.none()
        return self.filter(subject__isnull=True, fhir_id__in=valid)


class QuestionnaireResponse(models.Model):
    fhir_id = models.UUIDField("FHIR id", default=uuid.uuid4, unique=True, editable=False)
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="responses")
    # Copied at submission so a record keeps the version it answered even if the
    # questionnaire is later replaced.
    questionnaire_url = models.CharField(max_length=255, blank=True)
    questionnaire_version = models.CharField(max_length=64, blank=True)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="questionnaire_responses",
    )
    # Anonymous responses belong to the browser session that made them until sign-in.
    session_key = models.CharField(max_length=64, blank=True, db_index=True)
    status = models.CharField(max_length=32, default="completed")
    # The result a tool derived from the answers, e.g. the gate's disposition.
    outcome = models.CharField(max_length=32, blank=True)
    resource = models.JSONField()
    authored = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    # "system|value" of the response's identifier: the form's one-time token, or a FHIR
    # client's own identifier. The same key from the same person is one submission.
    submission_key = models.CharField(max_length=255, blank=True)

    objects = QuestionnaireResponseQuerySet.as_manager()

    class Meta:
        ordering = ["-authored", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "subject", "submission_key"],
                condition=~models.Q(submission_key="") & models.Q(subject__isnull=False),
                name="questionnaires_one_response_per_submission",
            ),
        ]
        indexes = [models.Index(fields=["questionnaire", "submission_key"], name="questionnaires_submission")]

    def __str__(self):
        return f"Response {self.fhir_id}"


class TerminologyResource(models.Model):
    """A ValueSet or CodeSystem that answer lists are read from: the local terminology store
    (`careguide import-valueset`, ADR 0033). Stored once per url and version, never changed in
    place (a changed list is a new version)."""

    class Kind(models.TextChoices):
        VALUE_SET = "ValueSet", "ValueSet"
        CODE_SYSTEM = "CodeSystem", "CodeSystem"

    resource_type = models.CharField(max_length=16, choices=Kind.choices)
    url = models.CharField("canonical url", max_length=255, db_index=True)
    version = models.CharField(max_length=64, blank=True)
    name = models.CharField(max_length=255, blank=True)
    title = models.CharField(max_length=255, blank=True)
    resource = models.JSONField()
    # SHA-256 of the content (all but id, meta and text): the same url and version must always
    # have the same content.
    content_digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["resource_type", "url", "version"]
        constraints = [
            models.UniqueConstraint(fields=["resource_type", "url", "version"],
                                    name="questionnaires_one_terminology_version"),
        ]

    def __str__(self):
        version = f"|{self.version}" if self.version else ""
        return f"{self.resource_type} {self.url}{version}"
