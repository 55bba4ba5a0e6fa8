"""Questionnaire versions: stored once and never changed in place; a new version of a
triage-bound questionnaire goes live only when a clinical reviewer approves it and its tool's
safety checks pass (ADR 0021). Responses are in ``services``."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from careguide.accounts.roles import REVIEWERS
from careguide.audit import service as audit
from careguide.core import signoffs
from careguide.fhir.validation import FhirIssue, FhirValidationError, validate

from . import bindings, engine, terminology
from .models import Questionnaire
from .services import _stamp, parsed


class QuestionnaireInvalid(ValueError):
    """The questionnaire is not valid FHIR or the engine cannot use it."""

    def __init__(self, issues: list[FhirIssue]):
        self.issues = issues
        super().__init__("; ".join(i.diagnostics for i in issues))


@dataclass
class ImportResult:
    questionnaire: Questionnaire
    action: str  # "imported", "updated" or "unchanged"
    warnings: list[FhirIssue] = field(default_factory=list)


def check_questionnaire(resource) -> tuple[engine.Questionnaire, list[FhirIssue]]:
    """Validate a Questionnaire as FHIR and for the engine; return it parsed, with warnings."""
    try:
        warnings = validate(resource, "Questionnaire")
    except FhirValidationError as exc:
        raise QuestionnaireInvalid(exc.issues) from exc
    try:
        definition = engine.parse_questionnaire(resource, value_sets=terminology.resolver())
    except engine.QuestionnaireError as exc:
        raise QuestionnaireInvalid([_definition_issue(i) for i in exc.issues]) from exc
    warnings += [_definition_issue(i) for i in definition.warnings]
    return definition, warnings


def _definition_issue(issue: engine.Issue) -> FhirIssue:
    where = engine.response.fhirpath_string(issue.link_id or "")
    expression = (f"Questionnaire.repeat(item).where(linkId={where})",) if issue.link_id else ()
    return FhirIssue(issue.severity, "business-rule" if issue.is_error else "informational", issue.message, expression)


class VersionConflict(ValueError):
    """The url and version (or the id) are taken by a questionnaire with other content: a
    changed questionnaire is a new version, never a change in place."""

    def __init__(self, message: str, expression: str = "Questionnaire.version"):
        self.expression = expression
        super().__init__(message)


class ReviewRefused(ValueError):
    """A clinical review decision that cannot be made; ``problems`` say why."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(" ".join(problems))


def read_sign_offs(path) -> dict[tuple[str, str], signoffs.SignOff]:
    """{(url, version): SignOff} from content/questionnaires/signed-off.yaml (none if it is missing);
    ValueError names the file, the entry and the field at fault."""
    return signoffs.read(path, "url")


def content_digest(resource: dict) -> str:
    """SHA-256 of a questionnaire's content: everything but id, meta and status (a version may
    be retired without becoming another version)."""
    content = {k: v for k, v in resource.items() if k not in ("id", "meta", "status")}
    return signoffs.digest(content)


def safety_problems(questionnaire_url: str, definition) -> list[str]:
    """What the triage tool bound to this url finds unsafe in a version (nothing if unbound)."""
    binding = bindings.for_url(questionnaire_url)
    return list(binding.safety_problems(definition)) if binding is not None else []


@transaction.atomic
def import_questionnaire(resource: dict, *, keep_id: bool = True, actor=None,
                         sign_off: signoffs.SignOff | None = None) -> ImportResult:
    """Store a new questionnaire version. Importing the same content again changes nothing
    (a change of ``status`` alone, e.g. retiring it, is applied), also for a questionnaire with
    neither url nor id, known by its content digest; other content under a url and
    version (or an id) that is taken raises ``VersionConflict``.

    A new version of a triage-bound questionnaire goes live only when it is safe for its tool
    and a clinician has approved it: with ``sign_off`` (a shipped file, checked against its
    digest) it is approved at once, or refused as ``QuestionnaireInvalid`` if unsafe; otherwise
    it waits for a clinical reviewer (``approve``)."""
    definition, warnings = check_questionnaire(resource)
    url, version = resource.get("url", ""), str(resource.get("version", ""))
    digest = content_digest(resource)
    by_id = None
    if keep_id and resource.get("id"):
        by_id = Questionnaire.objects.select_for_update().filter(fhir_id=resource["id"]).first()
    by_version = Questionnaire.objects.select_for_update().filter(url=url, version=version).first() if url else None
    if by_id is not None and by_version is not None and by_id.pk != by_version.pk:
        raise VersionConflict(f"The id {resource['id']} belongs to another questionnaire version.", "Questionnaire.id")
    existing = by_version or by_id
    if existing is None and not url and not (keep_id and resource.get("id")):
        # Neither url nor (kept) id to know it by: the same content is the same questionnaire.
        same = Questionnaire.objects.select_for_update().filter(url="", content_digest=digest)
        existing = same.order_by("pk").first()
    if existing is not None:
        if (existing.url, existing.version) != (url[:255], version[:64]):
            which = f"version {existing.version or '(none)'} of {existing.url or 'a questionnaire'}"
            raise VersionConflict(f"The id {existing.fhir_id} is {which}. A new version needs a new id.",
                                  "Questionnaire.id")
        if (existing.content_digest or content_digest(existing.resource)) != digest:
            raise VersionConflict(
                f"Version {version or '(none)'} of {url or existing.fhir_id} already exists with other content."
                " A changed questionnaire must have a new version.")
        status = str(resource.get("status", "active"))[:16]
        if status == existing.status:
            return ImportResult(existing, "unchanged", warnings)
        existing.status = status
        existing.version_id += 1
        existing.resource = _stamp({**existing.resource, "status": status}, existing.fhir_id, existing.version_id,
                                   timezone.now())
        existing.save(update_fields=["status", "version_id", "resource", "updated_at"])
        if actor is not None:
            audit.record(actor, audit.UPDATE, existing, detail=f"status {status}")
        return ImportResult(existing, "updated", warnings)

    problems = safety_problems(url, definition)
    bound = bindings.is_bound(url)
    fhir_id = resource["id"] if keep_id and resource.get("id") else str(uuid.uuid4())
    questionnaire = Questionnaire(fhir_id=fhir_id, version_id=1, content_digest=digest, safety_problems=problems,
                                  submitted_by=actor if getattr(actor, "pk", None) else None)
    if bound and sign_off is not None:
        if sign_off.sha256 != digest:
            message = f"Version {version} differs from the version signed off on {sign_off.on}."
            raise QuestionnaireInvalid([FhirIssue("error", "business-rule", message)])
        if problems:
            raise QuestionnaireInvalid([FhirIssue("error", "business-rule", p) for p in problems])
        questionnaire.review_status = Questionnaire.Review.APPROVED
        questionnaire.review_note = f"Signed off by {sign_off.by} on {sign_off.on}."
        questionnaire.reviewed_at = timezone.now()
    elif bound:
        questionnaire.review_status = Questionnaire.Review.PENDING
    questionnaire.url = url[:255]
    questionnaire.version = version[:64]
    questionnaire.name = str(resource.get("name", ""))[:255]
    questionnaire.title = str(resource.get("title", ""))[:255]
    questionnaire.status = str(resource.get("status", "active"))[:16]
    questionnaire.resource = _stamp(resource, questionnaire.fhir_id, questionnaire.version_id, timezone.now())
    questionnaire.save()
    if actor is not None:
        audit.record(actor, audit.CREATE, questionnaire,
                     detail="waiting for clinical review" if questionnaire.review_status == "pending" else "")
    return ImportResult(questionnaire, "imported", warnings)


def may_review(user) -> bool:
    """Clinical reviewers decide whether a triage-bound questionnaire version goes live."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active
                and user.groups.filter(name=REVIEWERS).exists())


@transaction.atomic
def approve(questionnaire: Questionnaire, reviewer, note: str = "") -> Questionnaire:
    """A clinical reviewer lets a waiting version go live, once its tool's safety checks pass
    against it (run again now: the rules may have changed since it came in)."""
    locked = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    if not may_review(reviewer):
        raise ReviewRefused(["Only a clinical reviewer can approve a questionnaire."])
    if locked.review_status != Questionnaire.Review.PENDING:
        raise ReviewRefused([f"This version is already {locked.get_review_status_display().lower()}."])
    problems = safety_problems(locked.url, parsed(locked))
    if problems:
        locked.safety_problems = problems
        locked.save(update_fields=["safety_problems", "updated_at"])
        raise ReviewRefused(problems)
    locked.review_status = Questionnaire.Review.APPROVED
    locked.reviewed_by, locked.reviewed_at, locked.review_note = reviewer, timezone.now(), note.strip()
    locked.safety_problems = []
    locked.save(update_fields=["review_status", "reviewed_by", "reviewed_at", "review_note", "safety_problems",
                               "updated_at"])
    audit.record(reviewer, audit.UPDATE, locked, detail="approved by clinical review")
    return locked


@transaction.atomic
def reject(questionnaire: Questionnaire, reviewer, note: str) -> Questionnaire:
    locked = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    if not may_review(reviewer):
        raise ReviewRefused(["Only a clinical reviewer can turn down a questionnaire."])
    if locked.review_status != Questionnaire.Review.PENDING:
        raise ReviewRefused([f"This version is already {locked.get_review_status_display().lower()}."])
    if not (note or "").strip():
        raise ReviewRefused(["Say why this version is not approved."])
    locked.review_status = Questionnaire.Review.REJECTED
    locked.reviewed_by, locked.reviewed_at, locked.review_note = reviewer, timezone.now(), note.strip()
    locked.save(update_fields=["review_status", "reviewed_by", "reviewed_at", "review_note", "updated_at"])
    audit.record(reviewer, audit.UPDATE, locked, detail="not approved by clinical review")
    return locked
