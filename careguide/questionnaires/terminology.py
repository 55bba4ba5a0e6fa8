"""The local terminology store: ValueSets and CodeSystems that questionnaires' answer lists
(answerValueSet) are read from, with no network call (ADR 0033).

`import_resources` stores them (checked with fhir.resources, once per url and version, all or
nothing); `resolver()` is what `engine.parse_questionnaire(value_sets=...)` looks them up with;
`last_change()` goes into the parsed-questionnaire cache key, so a list loaded later takes effect.
Shipped lists live in content/terminology/ and `careguide load-content` loads them (`load_folder`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import Count, Max

from careguide.audit import service as audit
from careguide.core import signoffs
from careguide.fhir.validation import FhirIssue, FhirValidationError, rerooted, validate

from .engine import valuesets
from .models import TerminologyResource

KINDS = ("ValueSet", "CodeSystem")


class TerminologyInvalid(ValueError):
    """A resource that cannot be stored; each issue names the element at fault."""

    def __init__(self, issues: list[FhirIssue]):
        self.issues = issues
        super().__init__("; ".join(i.diagnostics for i in issues))


@dataclass
class TerminologyResult:
    stored: TerminologyResource
    action: str  # "imported" or "unchanged"
    warnings: list[FhirIssue] = field(default_factory=list)


def content_digest(resource: dict) -> str:
    """SHA-256 of the content: everything but id, meta and the narrative."""
    return signoffs.digest({k: v for k, v in resource.items() if k not in ("id", "meta", "text")})


def resources_in(data, where: str = "") -> list[tuple[str, dict]]:
    """(element path, resource) for a ValueSet, a CodeSystem or a Bundle of them."""
    if isinstance(data, dict) and data.get("resourceType") == "Bundle":
        found = []
        for index, entry in enumerate(data.get("entry") or ()):
            resource = entry.get("resource") if isinstance(entry, dict) else None
            path = f"Bundle.entry[{index}].resource"
            if not isinstance(resource, dict) or resource.get("resourceType") not in KINDS:
                kind = resource.get("resourceType") if isinstance(resource, dict) else None
                raise TerminologyInvalid([FhirIssue("error", "structure", f"{path}: expected a ValueSet or "
                                                    f"CodeSystem, not {kind or 'nothing'}.", (path,))])
            found.append((path, resource))
        return found
    kind = data.get("resourceType") if isinstance(data, dict) else None
    if kind not in KINDS:
        raise TerminologyInvalid([FhirIssue("error", "structure", f"Expected a ValueSet, a CodeSystem or a Bundle "
                                            f"of them, not {kind or 'something else'}.", ("resourceType",))])
    return [(kind, data)]


def check(source: str, path: str, resource: dict) -> list[FhirIssue]:
    """Validate one ValueSet or CodeSystem; warnings returned, TerminologyInvalid raised."""
    kind = resource.get("resourceType")
    try:
        warnings = validate(resource, kind)
    except FhirValidationError as exc:
        raise TerminologyInvalid([_at(source, path, kind, i) for i in exc.issues]) from exc
    if not isinstance(resource.get("url"), str) or not resource["url"].strip():
        issue = FhirIssue("error", "required", f"{kind}.url: a {kind} needs a url, which questionnaires name it "
                          "by.", (f"{kind}.url",))
        raise TerminologyInvalid([_at(source, path, kind, issue)])
    return [_at(source, path, kind, i) for i in warnings]


def _at(source: str, path: str, kind: str, issue: FhirIssue) -> FhirIssue:
    """An issue from checking a resource alone, placed at its element path (inside its Bundle
    entry) and prefixed with the file it came from."""
    moved = rerooted(issue, kind, path)
    text = f"{source}: {moved.diagnostics}" if source else moved.diagnostics
    return FhirIssue(moved.severity, moved.code, text, moved.expression)


@transaction.atomic
def import_resources(resources: list[tuple[str, str, dict]], *, actor=None) -> list[TerminologyResult]:
    """Store ValueSets and CodeSystems, given as (source file, element path, resource), all or
    nothing. The same content again is "unchanged"; other content under a url and version already
    stored is refused."""
    checked = [(source, path, resource, check(source, path, resource)) for source, path, resource in resources]
    results = []
    for source, path, resource, warnings in checked:
        kind, url, version = resource["resourceType"], resource["url"][:255], str(resource.get("version", ""))[:64]
        digest = content_digest(resource)
        existing = TerminologyResource.objects.select_for_update().filter(
            resource_type=kind, url=url, version=version).first()
        if existing is not None:
            if existing.content_digest != digest and _codes(existing.resource) != _codes(resource):
                raise TerminologyInvalid([_at(source, path, kind, FhirIssue(
                    "error", "conflict", f"{kind}.version: version {version or '(none)'} of the {kind} {url} is "
                    "already loaded with other content. A changed list needs a new version.", (f"{kind}.version",)))])
            results.append(TerminologyResult(existing, "unchanged", warnings))
            continue
        stored = TerminologyResource.objects.create(
            resource_type=kind, url=url, version=version, name=str(resource.get("name", ""))[:255],
            title=str(resource.get("title", ""))[:255], resource=resource, content_digest=digest)
        if actor is not None:
            audit.record(actor, audit.CREATE, stored)
        results.append(TerminologyResult(stored, "imported", warnings))
    lookup = resolver()
    for (source, path, resource, _), result in zip(checked, results, strict=True):
        if resource["resourceType"] == "ValueSet":
            result.warnings += _expansion_problems(source, path, resource, lookup)
    return results


def _codes(resource: dict):
    """What a list means for an answer: its codes, displays and hierarchy (a ValueSet's compose,
    else its expansion). The published file of a list we ship, with its narrative, long definitions
    or a fresh expansion, is the same version of the same list, not a conflict."""
    def concepts(entries):
        return [(c.get("system"), c.get("code"), c.get("display"), concepts(c.get("concept") or c.get("contains")))
                for c in entries or () if isinstance(c, dict)]

    if resource.get("resourceType") == "CodeSystem":
        return concepts(resource.get("concept"))
    if resource.get("compose"):
        return signoffs.digest(resource["compose"])
    return concepts((resource.get("expansion") or {}).get("contains"))


def _expansion_problems(source: str, path: str, value_set: dict, lookup) -> list[FhirIssue]:
    """Refuse a ValueSet we could never expand; warn when a list it needs is not loaded yet."""
    try:
        valuesets.Expander({}, lookup).expand(value_set)
    except valuesets.Unavailable as exc:
        return [_at(source, path, "ValueSet", FhirIssue(
            "warning", "not-found", f"ValueSet.compose: {exc}, so it has no options until that is loaded too.",
            ("ValueSet.compose",)))]
    except valuesets.ExpansionError as exc:
        raise TerminologyInvalid([_at(source, path, "ValueSet", FhirIssue(
            "error", "not-supported", f"ValueSet.compose: {exc}.", ("ValueSet.compose",)))]) from exc
    return []


def resolver():
    """`(canonical, resource_type) -> resource or None` over the store, for parse_questionnaire.
    ``url|version`` finds that version; a bare url the newest stored."""
    found: dict[tuple[str, str], dict | None] = {}

    def resolve(canonical: str, resource_type: str = "ValueSet") -> dict | None:
        key = (canonical, resource_type)
        if key not in found:
            url, _, version = canonical.partition("|")
            rows = TerminologyResource.objects.filter(resource_type=resource_type, url=url)
            if version:
                rows = rows.filter(version=version)
            row = rows.order_by("-created_at", "-pk").first()
            found[key] = row.resource if row is not None else None
        return found[key]

    return resolve


def last_change() -> tuple:
    """Changes whenever the store does: part of the parsed-questionnaire cache key."""
    summary = TerminologyResource.objects.aggregate(count=Count("pk"), newest=Max("updated_at"))
    return summary["count"], summary["newest"]


def read_file(path: Path) -> list[tuple[str, str, dict]]:
    """(file, element path, resource) for the resources in one JSON file."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise TerminologyInvalid([FhirIssue("error", "exception", f"{path}: cannot read the file "
                                            f"({exc.strerror}).")]) from exc
    except ValueError as exc:
        raise TerminologyInvalid([FhirIssue("error", "structure", f"{path}: not valid JSON ({exc}).")]) from exc
    try:
        return [(str(path), where, resource) for where, resource in resources_in(data)]
    except TerminologyInvalid as exc:
        raise TerminologyInvalid([FhirIssue(i.severity, i.code, f"{path}: {i.diagnostics}", i.expression)
                                  for i in exc.issues]) from exc


def load_folder(folder: Path) -> list[TerminologyResult]:
    """Load every *.json in a content folder (content/terminology/), all or nothing."""
    resources = [r for path in sorted(Path(folder).glob("*.json")) for r in read_file(path)]
    return import_resources(resources)
