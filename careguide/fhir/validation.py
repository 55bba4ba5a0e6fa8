"""Validate FHIR R4 resources with fhir.resources (its R4B models match R4 for the
resources we exchange; ADR 0004 and 0007).

One leniency, on purpose: an error located inside an `extension` becomes a warning.
Published questionnaires (LForms' PHQ-9, for one) carry extensions that break the letter
of the spec (an optionPrefix given as a number, SDC variable names with underscores)
while their core elements are sound; we keep such resources verbatim and still use the
extensions we understand. Errors anywhere else, including `modifierExtension`, reject the
resource with an issue naming the element.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from pydantic import ValidationError

MAX_ROUNDS = 20
FIELD_NAMES = {"resource_type": "resourceType"}


@dataclass(frozen=True)
class FhirIssue:
    """One OperationOutcome.issue: severity, FHIR issue-type code, what and where."""

    severity: str
    code: str
    diagnostics: str
    expression: tuple[str, ...] = field(default_factory=tuple)

    def as_json(self) -> dict:
        issue = {"severity": self.severity, "code": self.code, "diagnostics": self.diagnostics}
        if self.expression:
            issue["expression"] = list(self.expression)
            issue["location"] = list(self.expression)
        return issue


class FhirValidationError(ValueError):
    """The resource is not valid FHIR R4; `issues` name each element at fault."""

    def __init__(self, issues: list[FhirIssue]):
        self.issues = issues
        super().__init__("; ".join(i.diagnostics for i in issues))


def location(resource_type: str, loc: tuple) -> str:
    """A pydantic error location as a FHIRPath-style path, e.g. Questionnaire.item[2].linkId."""
    path = resource_type
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += "." + FIELD_NAMES.get(str(part), str(part))
    return path


def _in_extension(loc: tuple) -> bool:
    return "extension" in loc


def _model_class(resource_type: str):
    from fhir.resources.R4B import get_fhir_model_class

    try:
        return get_fhir_model_class(resource_type)
    except (ValueError, KeyError, ImportError):
        return None


def _issue_for(resource_type: str, error: dict, severity: str) -> FhirIssue:
    where = location(resource_type, tuple(error.get("loc", ())))
    kind = error.get("type", "")
    code = "required" if "missing" in kind else "structure" if kind == "extra_forbidden" else "value"
    message = str(error.get("msg", "invalid")).split("\n")[0].strip()
    return FhirIssue(severity, code, f"{where}: {message}", (where,))


def validate(resource, resource_type: str | None = None) -> list[FhirIssue]:
    """Check `resource` (a dict) against the R4 model of its type.

    Returns warnings (errors inside extensions); raises FhirValidationError otherwise.
    The resource itself is never changed.
    """
    if not isinstance(resource, dict):
        message = "The body must be a JSON object (a FHIR resource)."
        raise FhirValidationError([FhirIssue("error", "structure", message)])
    actual = resource.get("resourceType")
    if not isinstance(actual, str) or not actual:
        raise FhirValidationError([FhirIssue("error", "required", "resourceType is missing.", ("resourceType",))])
    if resource_type and actual != resource_type:
        raise FhirValidationError([FhirIssue(
            "error", "structure", f"Expected a {resource_type} resource, not {actual}.", ("resourceType",))])
    model = _model_class(actual)
    if model is None:
        raise FhirValidationError([FhirIssue("error", "not-supported", f"{actual} is not a FHIR R4 resource type.",
                                             ("resourceType",))])
    data = copy.deepcopy(resource)
    warnings: list[FhirIssue] = []
    for _ in range(MAX_ROUNDS):
        try:
            model.model_validate(data)
            return warnings
        except ValidationError as exc:
            errors = exc.errors(include_url=False)
        except (TypeError, ValueError) as exc:  # fhir.resources raises these for some malformed input
            raise FhirValidationError([FhirIssue("error", "structure", f"{actual}: {exc}")]) from exc
        strict = [e for e in errors if not _in_extension(tuple(e.get("loc", ())))]
        if strict:
            raise FhirValidationError([_issue_for(actual, e, "error") for e in strict])
        warnings.extend(_issue_for(actual, e, "warning") for e in errors)
        # Set the faulty extensions aside and check the rest again: pydantic skips a
        # model's own checks when one of its fields failed, so errors could hide behind them.
        if not _drop_extensions(data, [tuple(e["loc"]) for e in errors]):
            raise FhirValidationError([_issue_for(actual, e, "error") for e in errors])
    raise FhirValidationError([FhirIssue("error", "too-costly", f"{actual}: too many errors to check.")])


def _drop_extensions(data: dict, locations: list[tuple]) -> bool:
    """Remove the extension elements the errors point into; False if none could be found."""
    targets: dict[tuple, set[int]] = {}
    for loc in locations:
        # The innermost `extension` list in the path, and the index within it.
        for position in range(len(loc) - 2, -1, -1):
            if loc[position] == "extension" and isinstance(loc[position + 1], int):
                targets.setdefault(loc[: position + 1], set()).add(loc[position + 1])
                break
    removed = False
    for path, indexes in sorted(targets.items(), key=lambda kv: -len(kv[0])):
        container = data
        try:
            for part in path:
                container = container[FIELD_NAMES.get(part, part) if isinstance(part, str) else part]
        except (KeyError, IndexError, TypeError):
            continue
        if isinstance(container, list):
            for index in sorted(indexes, reverse=True):
                if index < len(container):
                    del container[index]
                    removed = True
    return removed
