"""Writes of questionnaire responses (questionnaire versions are ``versions``). Every response
write is audited in the same transaction; nothing invalid is stored; a response to a
triage-bound questionnaire is judged and its tool's records stored with it (``bindings``)."""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from threading import Lock

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from careguide.audit import service as audit
from careguide.fhir.validation import FhirValidationError, validate

from . import bindings, engine, launch, terminology
from .models import SESSION_RESPONSES_KEY, USER_IDENTIFIER_SYSTEM, Questionnaire, QuestionnaireResponse

logger = logging.getLogger(__name__)

# Anonymous visitors keep at most this many response ids in their session.
SESSION_RESPONSES_LIMIT = 50


class ResponseInvalid(ValueError):
    """The response does not answer its questionnaire correctly; `issues` name each linkId."""

    def __init__(self, issues: list[engine.Issue]):
        self.issues = issues
        super().__init__("; ".join(f"{i.link_id or '-'}: {i.message}" for i in issues))


_parsed_cache: dict[tuple, engine.Questionnaire] = {}
_parsed_lock = Lock()


def parsed(questionnaire: Questionnaire) -> engine.Questionnaire:
    """The engine's view of a stored questionnaire, parsed once per version (and per state of the
    terminology store its answer lists are read from)."""
    # The terminology store's last change is in the key: an answer list loaded later takes effect.
    key = (questionnaire.pk, questionnaire.version_id, questionnaire.updated_at, terminology.last_change())
    with _parsed_lock:
        found = _parsed_cache.get(key)
    if found is None:
        lists = terminology.resolver()
        try:
            found = engine.parse_questionnaire(questionnaire.resource, value_sets=lists)
        except engine.QuestionnaireError:
            # Stored before its answer lists had to be loaded (ADR 0033): still read, so its
            # responses show; a choice whose list is missing offers nothing until it is loaded.
            found = engine.parse_questionnaire(questionnaire.resource, value_sets=lists, lists_required=False)
            logger.warning("Questionnaire %s names answer lists that are not loaded", questionnaire.fhir_id)
        with _parsed_lock:
            if len(_parsed_cache) > 200:
                _parsed_cache.clear()
            _parsed_cache[key] = found
    return found


def _stamp(resource: dict, fhir_id: str, version_id: int, when) -> dict:
    stamped = copy.deepcopy(resource)
    stamped["id"] = fhir_id
    meta = dict(stamped.get("meta") or {})
    meta["versionId"] = str(version_id)
    meta["lastUpdated"] = when.isoformat(timespec="milliseconds")
    # id and meta first, as FHIR servers conventionally write them; the rest as received.
    return {"resourceType": stamped.pop("resourceType"), "id": stamped.pop("id"), "meta": meta,
            **{k: v for k, v in stamped.items() if k != "meta"}}


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


def definition_for(questionnaire: Questionnaire, request=None, user=None) -> engine.Questionnaire:
    """The questionnaire as ``user`` (else ``request``'s person) fills it in: the shared parse when
    it has no initialExpression or answerExpression, else a private copy with their starting values
    and options (launch.py). A response is checked against this, so answerExpression options are
    worked out again here for that person, never taken from the page that was shown."""
    definition = parsed(questionnaire)
    if not launch.needs_person(definition):
        return definition
    person = user if user is not None else getattr(request, "user", None)
    return launch.personalised(definition, launch.own_context(person), request)[0]


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
    definition = definition_for(questionnaire, request, user)
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
    definition = definition_for(questionnaire, request, user)
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
