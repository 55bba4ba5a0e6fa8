"""Reading an operation's Parameters body: each problem a 400 OperationOutcome naming the parameter."""

from __future__ import annotations

import re

from .http import FhirError
from .validation import FhirIssue, FhirValidationError, validate

PARAMETER_AT = re.compile(r"^Parameters\.parameter\[(\d+)\]")


def read_parameters(body: dict) -> list[dict]:
    """The ``parameter`` list of a valid Parameters resource (an error inside one names it)."""
    try:
        validate(body, "Parameters")
    except FhirValidationError as exc:
        raise FhirError.from_issues(400, [_naming(body, i) for i in exc.issues]) from exc
    return [p for p in body.get("parameter") or () if isinstance(p, dict)]


def _naming(body: dict, issue: FhirIssue) -> FhirIssue:
    match = PARAMETER_AT.match(issue.expression[0]) if issue.expression else None
    given = body.get("parameter")
    if match is None or not isinstance(given, list) or int(match.group(1)) >= len(given):
        return issue
    name = given[int(match.group(1))].get("name") if isinstance(given[int(match.group(1))], dict) else None
    if not isinstance(name, str):
        return issue
    return FhirIssue(issue.severity, issue.code, f"{name[:60]}: {issue.diagnostics}", issue.expression)


def named(parameters: list[dict], name: str) -> list[dict]:
    return [p for p in parameters if p.get("name") == name]


def one(parameters: list[dict], name: str) -> dict | None:
    """The parameter ``name`` (None when absent); given twice, a 400 naming it."""
    found = named(parameters, name)
    if len(found) > 1:
        raise FhirError.simple(400, "structure", f"{name}: give this parameter once.", name)
    return found[0] if found else None


def value(parameter: dict | None, *keys: str):
    """The first of ``keys`` (e.g. valueCanonical, valueUri) the parameter holds, or None."""
    if parameter is None:
        return None
    return next((parameter[k] for k in keys if parameter.get(k) is not None), None)


def resource(parameter: dict | None, name: str, resource_type: str) -> dict | None:
    """The resource a parameter carries, which must be a ``resource_type`` (a 400 naming it if not)."""
    if parameter is None:
        return None
    found = parameter.get("resource")
    if not isinstance(found, dict) or found.get("resourceType") != resource_type:
        raise FhirError.simple(400, "structure", f"{name}: give a {resource_type} resource.", name)
    return found
