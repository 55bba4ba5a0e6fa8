"""What every FHIR interaction shares: JSON in and out as application/fhir+json, each
resource validated before it leaves, every error an OperationOutcome."""

from __future__ import annotations

import json
import logging
from functools import wraps

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt

from careguide.core import untrusted

from .outcome import operation_outcome, single
from .validation import FhirIssue, FhirValidationError, validate

logger = logging.getLogger(__name__)

FHIR_JSON = "application/fhir+json"
ACCEPTED_BODY_TYPES = ("application/fhir+json", "application/json")


class FhirError(Exception):
    """Stops an interaction with an HTTP status and an OperationOutcome."""

    def __init__(self, status: int, outcome: dict, headers: dict | None = None):
        self.status = status
        self.outcome = outcome
        self.headers = headers or {}
        super().__init__(json.dumps(outcome)[:200])

    @classmethod
    def simple(cls, status: int, code: str, diagnostics: str, expression: str | None = None):
        return cls(status, single("error", code, diagnostics, expression))

    @classmethod
    def from_issues(cls, status: int, issues: list[FhirIssue]):
        return cls(status, operation_outcome(issues))


def fhir_response(resource: dict, status: int = 200, headers: dict | None = None) -> HttpResponse:
    """A resource as the response body, after checking it is valid FHIR R4."""
    try:
        validate(resource)
    except FhirValidationError as exc:
        logger.error("Refusing to send an invalid %s: %s", resource.get("resourceType"), exc)
        resource = single("error", "exception", "The server could not produce a valid resource.")
        status, headers = 500, {}
    response = HttpResponse(json.dumps(resource, ensure_ascii=False), status=status,
                            content_type=f"{FHIR_JSON}; charset=utf-8")
    for name, value in (headers or {}).items():
        response[name] = value
    # Responses can hold health data: never stored by browsers or proxies.
    patch_cache_control(response, private=True, no_store=True, max_age=0)
    return response


def read_body(request) -> dict:
    """The request body as a JSON object, or an OperationOutcome saying why not: 415 for other
    content types or charsets, 413 over DATA_UPLOAD_MAX_MEMORY_SIZE, 400 for malformed or too
    deeply nested JSON and for text no database can store (NUL, lone surrogates)."""
    content_type = request.content_type or ""
    if content_type not in ACCEPTED_BODY_TYPES:
        sent = content_type or "nothing"
        message = f"Send the resource as {FHIR_JSON} (or application/json), not {sent}."
        raise FhirError.simple(415, "not-supported", message)
    if (problem := untrusted.charset_problem(request.content_params)) is not None:
        raise FhirError.simple(415, "not-supported", f"Content-Type: {problem}.")
    try:
        raw = request.body
    except RequestDataTooBig:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raise FhirError.simple(413, "too-costly", f"The body is larger than {limit:,} bytes.") from None
    try:
        body = untrusted.loads(raw)
    except untrusted.JsonRefused as exc:
        sentence = f"The body is {exc.message}" if exc.path == "(body)" else f"The body was refused: {exc}"
        raise FhirError.simple(400, "structure", sentence + ".") from None
    if not isinstance(body, dict):
        raise FhirError.simple(400, "structure", "The body must be a JSON object (a FHIR resource).")
    return body


def require_signed_in(request):
    if not request.user.is_authenticated:
        raise FhirError.simple(401, "login", "Sign in first.")


def fhir_view(*methods):
    """Wrap a FHIR interaction: allowed methods, no CSRF token (JSON bodies only, so a
    cross-site form cannot post here), and errors as OperationOutcomes."""

    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in methods:
                response = fhir_response(single("error", "not-supported",
                                                f"{request.method} is not supported here."), 405)
                response["Allow"] = ", ".join(methods)
                return response
            try:
                _check_parameters(request)
                return view(request, *args, **kwargs)
            except FhirError as exc:
                return fhir_response(exc.outcome, exc.status, exc.headers)

        return wrapper

    return decorate


def _check_parameters(request):
    """Search parameters no database can compare (PostgreSQL refuses NUL in text): a 400 naming
    the parameter, on every database alike."""
    for name, values in request.GET.lists():
        for text in (name, *values):
            if (problem := untrusted.text_problem(text)) is not None:
                where = untrusted.printable(name)[:60]
                raise FhirError.simple(400, "value", f"{where}: {problem}.", where)


def absolute(request, path: str) -> str:
    return request.build_absolute_uri(path)
