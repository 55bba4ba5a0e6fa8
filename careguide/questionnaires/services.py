"""Writes for questionnaires and their responses. Every response write is audited in the
same transaction; nothing invalid is stored."""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass, field
from threading import Lock

from django.db import transaction
from django.utils import timezone

from careguide.audit import service as audit
from careguide.fhir.validation import FhirIssue, FhirValidationError, validate

from . import engine
from .models import SESSION_RESPONSES_KEY, Questionnaire, QuestionnaireResponse

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


def _without_server_fields(resource: dict) -> dict:
    clean = {k: v for k, v in resource.items() if k not in ("id", "meta")}
    meta = {k: v for k, v in (resource.get("meta") or {}).items() if k not in ("versionId", "lastUpdated")}
    if meta:
        clean["meta"] = meta
    return clean


@transaction.atomic
def import_questionnaire(resource: dict, *, keep_id: bool = True, actor=None) -> ImportResult:
    """Store a Questionnaire, or update the one with the same id (when `keep_id`) or the
    same url and version. Importing the same file twice changes nothing."""
    _, warnings = check_questionnaire(resource)
    url, version = resource.get("url", ""), resource.get("version", "")
    existing = None
    if keep_id and resource.get("id"):
        existing = Questionnaire.objects.select_for_update().filter(fhir_id=resource["id"]).first()
    if existing is None and url:
        existing = Questionnaire.objects.select_for_update().filter(url=url, version=version).first()
    now = timezone.now()
    if existing is not None:
        if _without_server_fields(existing.resource) == _without_server_fields(
            {**resource, "id": existing.fhir_id}
        ):
            return ImportResult(existing, "unchanged", warnings)
        existing.version_id += 1
        questionnaire, action = existing, "updated"
    else:
        fhir_id = resource["id"] if keep_id and resource.get("id") else str(uuid.uuid4())
        questionnaire, action = Questionnaire(fhir_id=fhir_id, version_id=1), "imported"
    questionnaire.url = url[:255]
    questionnaire.version = str(version)[:64]
    questionnaire.name = str(resource.get("name", ""))[:255]
    questionnaire.title = str(resource.get("title", ""))[:255]
    questionnaire.status = str(resource.get("status", "active"))[:16]
    questionnaire.resource = _stamp(resource, questionnaire.fhir_id, questionnaire.version_id, now)
    questionnaire.save()
    if actor is not None:
        audit.record(actor, audit.CREATE if action == "imported" else audit.UPDATE, questionnaire)
    return ImportResult(questionnaire, action, warnings)


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
    found = Questionnaire.objects.filter(url=url)
    if version:
        found = found.filter(version=version)
    match = found.order_by("-updated_at", "-pk").first()
    if match is not None:
        return match
    local = url.rsplit("/Questionnaire/", 1)[-1] if "/Questionnaire/" in url else url.removeprefix("Questionnaire/")
    if local != url or url.startswith("Questionnaire/"):
        return Questionnaire.objects.filter(fhir_id=local).first()
    return None


def subject_reference(user) -> dict:
    return {"identifier": {"system": USER_IDENTIFIER_SYSTEM, "value": str(user.pk)}}


def submit_response(questionnaire: Questionnaire, response_resource: dict, *, user, request=None,
                    outcome: str = "") -> QuestionnaireResponse:
    """Check a response against its questionnaire and store it.

    Calculated answers are worked out here (a sender's own must agree); the response
    must then be valid for the engine and as FHIR. Signed-in users become its subject;
    anonymous responses are remembered in the session so sign-in can claim them.
    Raises ResponseInvalid (nothing stored) when it is not valid.
    """
    definition = parsed(questionnaire)
    resource = copy.deepcopy(response_resource)
    resource["resourceType"] = "QuestionnaireResponse"
    resource.setdefault("questionnaire", canonical(questionnaire))
    resource.setdefault("status", "completed")
    completed, issues = engine.complete_response(definition, resource)
    errors = [i for i in issues if i.is_error]
    if errors:
        raise ResponseInvalid(errors)
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
    )
    completed.setdefault("authored", now.isoformat(timespec="seconds"))
    if signed_in:
        completed["subject"] = subject_reference(user)
    else:
        completed.pop("subject", None)
    completed = _stamp(completed, str(record.fhir_id), 1, now)
    try:
        validate(completed, "QuestionnaireResponse")
    except FhirValidationError as exc:
        raise ResponseInvalid([engine.Issue(i.diagnostics, code=i.code, expression=(i.expression or (None,))[0])
                               for i in exc.issues]) from exc
    record.resource = completed
    record.authored = _authored(completed.get("authored"), now)
    with transaction.atomic():
        record.save()
        audit.record(user, audit.CREATE, record, patient=user if signed_in else None)
    if request is not None and not signed_in:
        remember_in_session(request, record)
    return record


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
    if claimed:
        request.session[SESSION_RESPONSES_KEY] = []
    return claimed
