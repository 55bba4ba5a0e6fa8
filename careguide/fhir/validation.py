"""Validate FHIR R4 resources with fhir.resources (its R4B models match R4 for the
resources we exchange; ADR 0004 and 0007).

One leniency, on purpose: an error located inside an `extension` becomes a warning.
Published questionnaires (LForms' PHQ-9, for one) carry extensions that break the letter
of the spec (an optionPrefix given as a number, SDC variable names with underscores)
while their core elements are sound; we keep such resources verbatim and still use the
extensions we understand. Errors anywhere else, including `modifierExtension`, reject the
resource with an issue naming the element.

Beyond the structure fhir.resources checks, two rules of the specification it leaves to the
server (ADR 0023): a code element with a *required* binding must hold one of its codes
(`status: "bogus"` is refused; fhir.resources lists those codes as `enum_values`), and a
`modifierExtension` we do not understand (we understand none) makes the whole resource
unacceptable. A `contained` resource of a type R4 does not have is refused by name.

Contained resources are checked one by one: ValueSets and CodeSystems in full, any other as a
possible SDC extraction template, where elements the template leaves out are allowed (ADR 0033).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from pydantic import BaseModel, ValidationError

MAX_ROUNDS = 20
FULLY_CHECKED_CONTAINED = ("ValueSet", "CodeSystem")
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
    contained = _contained_type_issues(actual, resource)
    if contained:
        raise FhirValidationError(contained)
    data = copy.deepcopy(resource)
    contained_errors, contained_warnings = _contained_issues(actual, data)
    try:
        warnings = _validate_model(model, actual, data)
    except FhirValidationError as exc:
        raise FhirValidationError(contained_errors + exc.issues) from exc
    if contained_errors:
        raise FhirValidationError(contained_errors)
    return contained_warnings + warnings


def _validate_model(model, actual: str, data: dict) -> list[FhirIssue]:
    warnings: list[FhirIssue] = []
    for _ in range(MAX_ROUNDS):
        try:
            instance = model.model_validate(data)
        except ValidationError as exc:
            errors = exc.errors(include_url=False)
        except (TypeError, ValueError, KeyError) as exc:  # fhir.resources raises these for some malformed input
            raise FhirValidationError([FhirIssue("error", "structure", f"{actual}: {exc}")]) from exc
        else:
            found = _binding_and_modifier_issues(instance, actual)
            strict = [i for i in found if i.severity == "error"]
            if strict:
                raise FhirValidationError(strict)
            return warnings + found
        strict = [e for e in errors if not _in_extension(tuple(e.get("loc", ())))]
        if strict:
            raise FhirValidationError([_issue_for(actual, e, "error") for e in strict])
        warnings.extend(_issue_for(actual, e, "warning") for e in errors)
        # Set the faulty extensions aside and check the rest again: pydantic skips a
        # model's own checks when one of its fields failed, so errors could hide behind them.
        if not _drop_extensions(data, [tuple(e["loc"]) for e in errors]):
            raise FhirValidationError([_issue_for(actual, e, "error") for e in errors])
    raise FhirValidationError([FhirIssue("error", "too-costly", f"{actual}: too many errors to check.")])


def rerooted(issue: FhirIssue, resource_type: str, path: str) -> FhirIssue:
    """An issue found checking a resource on its own, placed at `path` (e.g. inside the resource
    that contains it, Questionnaire.contained[1])."""
    def move(text: str) -> str:
        return path + text[len(resource_type):] if text.startswith(resource_type) else text

    return FhirIssue(issue.severity, issue.code, move(issue.diagnostics), tuple(move(e) for e in issue.expression))


def _contained_issues(container: str, data: dict) -> tuple[list[FhirIssue], list[FhirIssue]]:
    """(errors, warnings) of the contained resources, each checked on its own and taken out of
    `data`. ValueSets and CodeSystems (answer lists) are checked in full; any other contained
    resource may be an SDC extraction template (sdc-questionnaire-templateExtract), partial by
    design, so elements it leaves out are allowed while anything it does say must be valid."""
    entries = data.get("contained")
    if not isinstance(entries, list):
        return [], []
    del data["contained"]
    errors: list[FhirIssue] = []
    warnings: list[FhirIssue] = []
    for index, entry in enumerate(entries):
        where = f"{container}.contained[{index}]"
        kind = entry.get("resourceType") if isinstance(entry, dict) else None
        if not isinstance(kind, str) or not kind:
            errors.append(FhirIssue("error", "structure", f"{where}: a contained entry must be a resource with a "
                                    "resourceType.", (where,)))
            continue
        try:
            found = validate(entry, kind) if kind in FULLY_CHECKED_CONTAINED else _template_issues(entry, kind)
        except FhirValidationError as exc:
            errors += [rerooted(i, kind, where) for i in exc.issues]
        else:
            warnings += [rerooted(i, kind, where) for i in found]
    return errors, warnings


def _template_issues(resource: dict, resource_type: str) -> list[FhirIssue]:
    """Check a partial resource: required elements may be missing; nothing else may be wrong."""
    try:
        instance = _model_class(resource_type).model_validate(copy.deepcopy(resource))
    except ValidationError as exc:
        errors = [e for e in exc.errors(include_url=False) if "missing" not in e.get("type", "")]
        strict = [e for e in errors if not _in_extension(tuple(e.get("loc", ())))]
        if strict:
            raise FhirValidationError([_issue_for(resource_type, e, "error") for e in strict]) from exc
        return [_issue_for(resource_type, e, "warning") for e in errors]
    except (TypeError, ValueError, KeyError) as exc:
        raise FhirValidationError([FhirIssue("error", "structure", f"{resource_type}: {exc}")]) from exc
    found = _binding_and_modifier_issues(instance, resource_type)
    strict = [i for i in found if i.severity == "error"]
    if strict:
        raise FhirValidationError(strict)
    return found


def _contained_type_issues(resource_type: str, resource: dict) -> list[FhirIssue]:
    """fhir.resources fails with a KeyError on a contained resource of an unknown type."""
    contained = resource.get("contained")
    if not isinstance(contained, list):
        return []
    issues = []
    for index, entry in enumerate(contained):
        kind = entry.get("resourceType") if isinstance(entry, dict) else None
        if isinstance(kind, str) and _model_class(kind) is None:
            where = f"{resource_type}.contained[{index}].resourceType"
            issues.append(FhirIssue("error", "not-supported", f"{where}: {kind[:64]} is not a FHIR R4 resource type.",
                                    (where,)))
    return issues


def _required_codes(spec) -> list[str] | None:
    """The codes of a field's required binding, when fhir.resources lists all of them.

    fhir.resources reads `enum_values` from the element's short description, which the
    specification writes as the full list of codes ("in-progress | completed | ...") for
    required bindings. A list ending in "+" is only the start of a longer one, and a
    description that does not begin with the list ("formats supported (xml | json | ...)")
    was misread: neither is checked.
    """
    extra = spec.json_schema_extra if isinstance(spec.json_schema_extra, dict) else {}
    codes = extra.get("enum_values")
    if not codes or any(code in ("+", "etc.") for code in codes):
        return None
    listed = " | ".join(codes)
    title = (spec.title or "").strip()
    return codes if title == listed or title.startswith(listed + " ") else None


def _binding_and_modifier_issues(instance: BaseModel, resource_type: str) -> list[FhirIssue]:
    """Codes outside their required binding, and any modifierExtension, in the validated model.

    Inside an ordinary `extension` a bad code is only a warning, like the structural errors
    there (module docstring); a modifierExtension is refused wherever it is.
    """
    issues: list[FhirIssue] = []
    stack: list[tuple[BaseModel, str, bool]] = [(instance, resource_type, False)]
    while stack:
        node, path, in_extension = stack.pop()
        for name, spec in type(node).model_fields.items():
            value = getattr(node, name, None)
            if value is None or value == []:
                continue
            element = spec.alias or name
            where = f"{path}.{element}"
            if element == "modifierExtension":
                urls = ", ".join(str(getattr(e, "url", "") or "(no url)") for e in value)
                issues.append(FhirIssue("error", "extension", f"{where}: this server does not understand the "
                                        f"modifier extension {urls[:200]}, so it cannot accept the resource.",
                                        (where,)))
                continue
            allowed = _required_codes(spec)
            if allowed:
                for index, code in enumerate(value if isinstance(value, list) else [value]):
                    if isinstance(code, str) and code not in allowed:
                        at = f"{where}[{index}]" if isinstance(value, list) else where
                        issues.append(FhirIssue("warning" if in_extension else "error", "code-invalid",
                                                f"{at}: '{code[:64]}' is not one of {', '.join(allowed)}.", (at,)))
            children = value if isinstance(value, list) else [value]
            for index, child in enumerate(children):
                if isinstance(child, BaseModel):
                    at = f"{where}[{index}]" if isinstance(value, list) else where
                    stack.append((child, at, in_extension or element == "extension" or name.endswith("__ext")))
    return issues


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
