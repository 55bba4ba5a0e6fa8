"""Writes for questionnaires and their responses. Every response write is audited in the
same transaction; nothing invalid is stored."""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import uuid
from dataclasses import dataclass, field
from threading import Lock

from django.db import IntegrityError, transaction
from django.utils import timezone

from careguide.audit import service as audit
from careguide.fhir.validation import FhirIssue, FhirValidationError, validate

from . import bindings, engine
from .models import SESSION_RESPONSES_KEY, Questionnaire, QuestionnaireResponse

logger = logging.getLogger(__name__)

# Anonymous visitors keep at most this many response ids in their session.
SESSION_RESPONSES_LIMIT = 50
USER_IDENTIFIER_SYSTEM = "urn:careguide:user"


class QuestionnaireInvalid(ValueError):
    """The questionnaire is not valid FHIR or the engine cannot use it."""

    def __init__(self, issues: list[FhirIssue]):
        self.issues = issues
        super().__init__("; ".join(i.diagnostics for i in issues))


class ResponseInvalid(ValueError):
    """The response does not answer its questionnaire correctly; `issues` name each linkId."""

    def __init__(self, issues: list[engine.Issue]):
        self.issues = issues
        super().__init__("; ".join(f"{i.link_id or '-'}: {i.message}" for i in issues))


@dataclass
class ImportResult:
    questionnaire: Questionnaire
    action: str  # "imported", "updated" or "unchanged"
    warnings: list[FhirIssue] = field(default_factory=list)


_parsed_cache: dict[tuple, engine.Questionnaire] = {}
_parsed_lock = Lock()


def parsed(questionnaire: Questionnaire) -> engine.Questionnaire:
    """The engine's view of a stored questionnaire, parsed once per version."""
    key = (questionnaire.pk, questionnaire.version_id, questionnaire.updated_at)
    with _parsed_lock:
        found = _parsed_cache.get(key)
    if found is None:
        found = engine.parse_questionnaire(questionnaire.resource)
        with _parsed_lock:
            if len(_parsed_cache) > 200:
                _parsed_cache.clear()
            _parsed_cache[key] = found
    return found


def check_questionnaire(resource) -> tuple[engine.Questionnaire, list[FhirIssue]]:
    """Validate a Questionnaire as FHIR and for the engine; return it parsed, with warnings."""
    try:
        warnings = validate(resource, "Questionnaire")
    except FhirValidationError as exc:
        raise QuestionnaireInvalid(exc.issues) from exc
    try:
        definition = engine.parse_questionnaire(resource)
    except engine.QuestionnaireError as exc:
        raise QuestionnaireInvalid([_definition_issue(i) for i in exc.issues]) from exc
    warnings += [_definition_issue(i) for i in definition.warnings]
    return definition, warnings


def _definition_issue(issue: engine.Issue) -> FhirIssue:
    where = engine.response.fhirpath_string(issue.link_id or "")
    expression = (f"Questionnaire.repeat(item).where(linkId={where})",) if issue.link_id else ()
    return FhirIssue(issue.severity, "business-rule" if issue.is_error else "informational", issue.message, expression)


def _stamp(resource: dict, fhir_id: str, version_id: int, when) -> dict:
    stamped = copy.deepcopy(resource)
    stamped["id"] = fhir_id
    meta = dict(stamped.get("meta") or {})
    meta["versionId"] = str(version_id)
    meta["lastUpdated"] = when.isoformat(timespec="milliseconds")
    # id and meta first, as FHIR servers conventionally write them; the rest as received.
    return {"resourceType": stamped.pop("resourceType"), "id": stamped.pop("id"), "meta": meta,
            **{k: v for k, v in stamped.items() if k != "meta"}}


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


@dataclass(frozen=True)
class SignOff:
    """A shipped questionnaire version's clinical sign-off (content/questionnaires/signed-off.yaml)."""

    by: str
    on: str
    sha256: str


def read_sign_offs(path) -> dict[tuple[str, str], SignOff]:
    """{(url, version): SignOff} from a sign-off file (none if it is missing); ValueError names
    the file, the entry and the field at fault."""
    from pathlib import Path

    import yaml

    path = Path(path)
    if not path.exists():
        return {}
    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(entries, list):
        raise ValueError(f"{path}: must be a list of signed-off versions")
    found: dict[tuple[str, str], SignOff] = {}
    for number, entry in enumerate(entries, start=1):
        where = f"{path}: entry {number}"
        if not isinstance(entry, dict):
            raise ValueError(f"{where}: must be a mapping")
        missing = [k for k in ("url", "version", "sha256", "signed_off_by", "signed_off_on") if not entry.get(k)]
        if missing:
            raise ValueError(f"{where}: {', '.join(missing)} missing")
        digest = str(entry["sha256"])
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise ValueError(f"{where}: sha256 must be 64 lower-case hex digits")
        key = (str(entry["url"]), str(entry["version"]))
        if key in found:
            raise ValueError(f"{where}: {key[0]} version {key[1]} is listed twice")
        found[key] = SignOff(by=str(entry["signed_off_by"]), on=str(entry["signed_off_on"]), sha256=digest)
    return found


def content_digest(resource: dict) -> str:
    """SHA-256 of a questionnaire's content: everything but id, meta and status (a version may
    be retired without becoming another version)."""
    content = {k: v for k, v in resource.items() if k not in ("id", "meta", "status")}
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def safety_problems(questionnaire_url: str, definition) -> list[str]:
    """What the triage tool bound to this url finds unsafe in a version (nothing if unbound)."""
    binding = bindings.for_url(questionnaire_url)
    return list(binding.safety_problems(definition)) if binding is not None else []


@transaction.atomic
def import_questionnaire(resource: dict, *, keep_id: bool = True, actor=None,
                         sign_off: SignOff | None = None) -> ImportResult:
    """Store a new questionnaire version. Importing the same content again changes nothing
    (a change of ``status`` alone, e.g. retiring it, is applied); other content under a url and
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
    from careguide.accounts.roles import REVIEWERS

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


def canonical(questionnaire: Questionnaire) -> str:
    """How a response names its questionnaire: url|version, or Questionnaire/id if it has no url."""
    if questionnaire.url:
        return f"{questionnaire.url}|{questionnaire.version}" if questionnaire.version else questionnaire.url
    return f"Questionnaire/{questionnaire.fhir_id}"


def resolve_canonical(reference: str) -> Questionnaire | None:
    """The stored questionnaire a response's `questionnaire` names (url[|version] or Questionnaire/id)."""
    if not isinstance(reference, str) or not reference:
        return None
    url, _, version = reference.partition("|")
    found = Questionnaire.objects.live().filter(url=url)
    if version:
        found = found.filter(version=version)
    match = found.order_by("-updated_at", "-pk").first()
    if match is not None:
        return match
    local = url.rsplit("/Questionnaire/", 1)[-1] if "/Questionnaire/" in url else url.removeprefix("Questionnaire/")
    if local != url or url.startswith("Questionnaire/"):
        return Questionnaire.objects.live().filter(fhir_id=local).first()
    return None


def awaiting_review(reference: str) -> bool:
    """Whether a response's ``questionnaire`` names a version that is not (yet) approved."""
    if not isinstance(reference, str) or not reference:
        return False
    url, _, version = reference.partition("|")
    found = Questionnaire.objects.filter(url=url).exclude(review_status=Questionnaire.Review.APPROVED)
    return (found.filter(version=version) if version else found).exists()


def subject_reference(user) -> dict:
    return {"identifier": {"system": USER_IDENTIFIER_SYSTEM, "value": str(user.pk)}}


@dataclass
class Submission:
    """A stored response and what its triage binding (if any) decided and stored beside it."""

    record: QuestionnaireResponse
    triage: bindings.Triage | None = None
    stored: bindings.Stored | None = None
    # The same submission (same identifier) had been stored before: nothing new was written.
    replayed: bool = False

    @property
    def result_path(self) -> str:
        return self.stored.result_path if self.stored is not None else ""


def submission_key(resource: dict) -> str:
    """``system|value`` of a response's identifier: the same key twice is one submission."""
    identifier = resource.get("identifier")
    if not isinstance(identifier, dict):
        return ""
    value = identifier.get("value")
    if not isinstance(value, str) or not value.strip():
        return ""
    system = identifier.get("system") if isinstance(identifier.get("system"), str) else ""
    return f"{system}|{value.strip()}"[:255]


def _earlier_submission(questionnaire, key: str, user, request) -> QuestionnaireResponse | None:
    """The response already stored with this key by the same person (or browser session)."""
    if not key:
        return None
    same = QuestionnaireResponse.objects.filter(questionnaire=questionnaire, submission_key=key)
    if getattr(user, "is_authenticated", False):
        return same.filter(subject=user).first()
    if request is not None and hasattr(request, "session"):
        return same.filter(pk__in=QuestionnaireResponse.objects.for_session(request).values("pk")).first()
    return None


def _check(questionnaire, definition, resource: dict, user):
    """The completed response and its triage, or ResponseInvalid naming each question."""
    completed, issues = engine.complete_response(definition, resource)
    errors = [i for i in issues if i.is_error]
    if errors:
        raise ResponseInvalid(errors)
    binding = bindings.for_questionnaire(questionnaire)
    triage = None
    if binding is not None and completed.get("status") != "entered-in-error":
        try:
            triage = binding.evaluate(completed, user=user, definition=definition)
        except bindings.BindingError as exc:
            raise ResponseInvalid(exc.issues) from exc
    return completed, binding, triage


def _valid_fhir(resource: dict):
    try:
        validate(resource, "QuestionnaireResponse")
    except FhirValidationError as exc:
        raise ResponseInvalid([engine.Issue(i.diagnostics, code=i.code, expression=(i.expression or (None,))[0])
                               for i in exc.issues]) from exc


def _base_url(request) -> str:
    if request is not None and hasattr(request, "build_absolute_uri"):
        return request.build_absolute_uri("/").rstrip("/")
    from django.conf import settings

    return getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/")


def _store_triage(record, binding, triage, *, user, request, previous=None):
    """Inside the write's transaction: the tool's records and alert, then the result on the
    response itself, so a FHIR client reads it back (ADR 0020)."""
    stored = binding.store(record, triage, user=user, request=request, previous=previous)
    extension = bindings.ResultExtension(triage, stored, _base_url(request))
    record.resource = bindings.with_result(record.resource, extension)
    record.save(update_fields=["resource"])
    return stored


def submit_response(questionnaire: Questionnaire, response_resource: dict, *, user, request=None,
                    outcome: str = "") -> Submission:
    """Check a response against its questionnaire and store it.

    Calculated answers are worked out here (a sender's own must agree); the response
    must then be valid for the engine and as FHIR. Signed-in users become its subject;
    anonymous responses are remembered in the session so sign-in can claim them.
    A questionnaire bound to a triage tool (``bindings``) has its answers judged here, and the
    tool's records and the care team's alert stored in the same transaction, whichever way
    the response came in. A response whose identifier was stored before by the same person
    is not stored again (``replayed``). Raises ResponseInvalid (nothing stored) when it is not valid.
    """
    definition = parsed(questionnaire)
    resource = copy.deepcopy(response_resource)
    resource["resourceType"] = "QuestionnaireResponse"
    resource.setdefault("questionnaire", canonical(questionnaire))
    resource.setdefault("status", "completed")
    key = submission_key(resource)
    earlier = _earlier_submission(questionnaire, key, user, request)
    if earlier is not None:
        return _replayed(earlier, request)
    completed, binding, triage = _check(questionnaire, definition, resource, user)
    if triage is not None:
        outcome = triage.disposition
    signed_in = getattr(user, "is_authenticated", False)
    now = timezone.now()
    record = QuestionnaireResponse(
        questionnaire=questionnaire,
        questionnaire_url=questionnaire.url,
        questionnaire_version=questionnaire.version,
        subject=user if signed_in else None,
        session_key=(request.session.session_key or "") if request is not None and not signed_in else "",
        status=str(completed.get("status"))[:32],
        outcome=outcome,
        submission_key=key,
    )
    completed.setdefault("authored", now.isoformat(timespec="seconds"))
    if signed_in:
        completed["subject"] = subject_reference(user)
    else:
        completed.pop("subject", None)
    completed = _stamp(completed, str(record.fhir_id), 1, now)
    _valid_fhir(completed)
    record.resource = completed
    record.authored = _authored(completed.get("authored"), now)
    stored = None
    try:
        with transaction.atomic():
            record.save()
            audit.record(user, audit.CREATE, record, patient=user if signed_in else None)
            if triage is not None:
                stored = _store_triage(record, binding, triage, user=user, request=request)
    except IntegrityError:
        # The same submission arrived twice at once: the other one was stored.
        earlier = _earlier_submission(questionnaire, key, user, request)
        if earlier is None:
            raise
        return _replayed(earlier, request)
    if request is not None and not signed_in:
        remember_in_session(request, record)
    return Submission(record, triage, stored)


def _triage_claimed(record: QuestionnaireResponse, user):
    """Answers given anonymously to a bound questionnaire now belong to a patient: store the
    tool's records and alert the care team as if they had been signed in."""
    binding = bindings.for_url(record.questionnaire_url)
    if binding is None or record.status == "entered-in-error":
        return
    try:
        triage = binding.evaluate(record.resource, user=user, definition=parsed(record.questionnaire))
    except bindings.BindingError:
        # Valid when it was stored; the rules have changed since. Kept as it is, and said so.
        logger.warning("Claimed response %s could not be triaged under the current rules.", record.pk)
        return
    record.outcome = triage.disposition
    record.save(update_fields=["outcome"])
    _store_triage(record, binding, triage, user=user, request=None)


def _keep_stored_answers(stored: dict, resource: dict) -> dict:
    """``resource`` with every top-level item that already had answers in ``stored`` as it was:
    after an early result the person may add answers, never change the ones acted on."""
    answered = {item.get("linkId"): item for item in stored.get("item") or () if _has_answer(item)}
    if not answered:
        return resource
    items = [answered.pop(item.get("linkId"), item) for item in resource.get("item") or ()]
    return {**resource, "item": items + list(answered.values())}


def _has_answer(item: dict) -> bool:
    if item.get("answer"):
        return True
    return any(_has_answer(child) for child in item.get("item") or ())


def _replayed(record: QuestionnaireResponse, request) -> Submission:
    binding = bindings.for_url(record.questionnaire_url)
    stored = binding.stored_for(record, request=request) if binding is not None else None
    return Submission(record, None, stored, replayed=True)


def add_to_stored_response(record: QuestionnaireResponse, response_resource: dict, *, user, request=None,
                           complete: bool = True) -> Submission:
    """Add answers to a response that was stored before it was complete (a paged form that
    stopped at an emergency or red answer): the same response, as a new version, ``completed``
    when ``complete``, else still ``in-progress``.

    The answers already stored stay as they were; the person may only add to them, so the
    triage result can only stay or rise, and the binding adds only new findings."""
    questionnaire = record.questionnaire
    definition = parsed(questionnaire)
    resource = _keep_stored_answers(record.resource, copy.deepcopy(response_resource))
    resource.update(resourceType="QuestionnaireResponse", questionnaire=record.resource.get("questionnaire"),
                    status="completed" if complete else "in-progress")
    completed, binding, triage = _check(questionnaire, definition, resource, user)
    with transaction.atomic():
        locked = QuestionnaireResponse.objects.select_for_update().get(pk=record.pk)
        if locked.status in ("completed", "amended"):
            return _replayed(locked, request)
        previous = binding.stored_for(locked, request=request) if binding is not None else None
        now = timezone.now()
        version = int((locked.resource.get("meta") or {}).get("versionId", "1")) + 1
        for name in ("subject", "authored", "identifier"):
            if name in locked.resource:
                completed[name] = locked.resource[name]
            else:
                completed.pop(name, None)
        completed = _stamp(completed, str(locked.fhir_id), version, now)
        _valid_fhir(completed)
        locked.resource = completed
        locked.status = completed["status"]
        if triage is not None:
            locked.outcome = triage.disposition
        locked.save(update_fields=["resource", "status", "outcome"])
        audit.record(user, audit.UPDATE, locked, patient=locked.subject,
                     detail="completed after an early result" if complete else "answers added after an early result")
        stored = None
        if triage is not None:
            stored = _store_triage(locked, binding, triage, user=user, request=request, previous=previous)
    return Submission(locked, triage, stored)


# How far ahead of this server's clock `authored` may be (a sender's clock, or a date-only value
# written in a time zone ahead of ours); anything later is a mistake, and would sort first forever.
AUTHORED_LEEWAY_HOURS = 24


def _authored(value, default):
    """When the response was written: its `authored`, else ``default`` (now). Raises ResponseInvalid,
    naming QuestionnaireResponse.authored, for a time in the future or beyond what can be stored."""
    from datetime import UTC, datetime, time, timedelta

    from django.utils.dateparse import parse_date, parse_datetime

    if isinstance(value, str):
        try:
            parsed_value = parse_datetime(value)
        except ValueError:
            parsed_value = None
        if parsed_value is None:
            day = parse_date(value[:10]) if len(value) >= 10 else None
            if day is not None:
                parsed_value = datetime.combine(day, time.min)
        if parsed_value is not None:
            if timezone.is_naive(parsed_value):
                parsed_value = timezone.make_aware(parsed_value, timezone.get_current_timezone())
            try:
                in_utc = parsed_value.astimezone(UTC)
            except OverflowError:
                in_utc = None
            if in_utc is None or in_utc > default + timedelta(hours=AUTHORED_LEEWAY_HOURS):
                raise ResponseInvalid([engine.Issue(
                    f"authored: {value[:40]} has not happened yet. Give the date and time the answers were written.",
                    code="value", expression="QuestionnaireResponse.authored")])
            return parsed_value
    return default


def remember_in_session(request, record: QuestionnaireResponse):
    ids = [i for i in request.session.get(SESSION_RESPONSES_KEY, []) if i != str(record.fhir_id)]
    ids.append(str(record.fhir_id))
    request.session[SESSION_RESPONSES_KEY] = ids[-SESSION_RESPONSES_LIMIT:]


@transaction.atomic
def claim_session_responses(request, user) -> list[QuestionnaireResponse]:
    """Make the anonymous responses of this browser session the signed-in user's own."""
    if not getattr(user, "is_authenticated", False):
        return []
    claimed = list(QuestionnaireResponse.objects.for_session(request).select_for_update())
    for record in claimed:
        record.subject = user
        record.session_key = ""
        resource = dict(record.resource)
        resource["subject"] = subject_reference(user)
        meta = dict(resource.get("meta") or {})
        meta["versionId"] = str(int(meta.get("versionId", "1")) + 1)
        meta["lastUpdated"] = timezone.now().isoformat(timespec="milliseconds")
        resource["meta"] = meta
        record.resource = resource
        record.save(update_fields=["subject", "session_key", "resource"])
        audit.record(user, audit.UPDATE, record, patient=user, detail="claimed from an anonymous session")
        _triage_claimed(record, user)
    if claimed:
        request.session[SESSION_RESPONSES_KEY] = []
    return claimed
