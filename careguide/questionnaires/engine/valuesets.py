"""Expanding a FHIR R4 ValueSet into the concepts a person may choose (ADR 0033).

Pure Python, no Django, no network. A ValueSet is expanded from, in order:

1. its `expansion.contains` (nested entries flattened; abstract ones skipped), else
2. its `compose`: each `include` gives the concepts it lists, or every concept of its
   CodeSystem (found contained in the questionnaire or through `resolve`), narrowed by the
   `is-a` / `descendent-of` filters over the CodeSystem's hierarchy and intersected with the
   ValueSets it names in `include.valueSet`; the union of the includes, less what the
   `exclude`s give.

`resolve(canonical, resource_type)` returns a ValueSet or CodeSystem (a dict) by canonical url
(``url`` or ``url|version``), or None. `Unavailable` means something the ValueSet needs could not
be found (the person can load it); `Unsupported` means the ValueSet uses a feature we do not
expand (e.g. a filter other than is-a): both name what is at fault.
"""

from __future__ import annotations

import re
from collections.abc import Callable

Resolver = Callable[[str, str], "dict | None"]
SUPPORTED_FILTERS = ("is-a", "descendent-of")
MAX_DEPTH = 10  # ValueSets including ValueSets: stop a loop


class ExpansionError(ValueError):
    """The ValueSet cannot be expanded here; the message says what is missing or unsupported."""


class Unavailable(ExpansionError):
    """A ValueSet or CodeSystem the answer list needs is not loaded; `url` names it."""

    def __init__(self, url: str, kind: str = "ValueSet"):
        self.url, self.kind = url, kind
        super().__init__(f"the {kind} {url} is not loaded")


class Unsupported(ExpansionError):
    """The ValueSet uses something we do not expand (a filter we cannot apply)."""


def no_resolver(canonical: str, resource_type: str) -> None:
    return None


class Expander:
    """Expands ValueSets against the questionnaire's contained resources, then `resolve`."""

    def __init__(self, contained: dict[str, dict], resolve: Resolver | None = None):
        self.contained = contained
        self.resolve = resolve or no_resolver

    def find(self, reference: str, kind: str) -> dict | None:
        """A ValueSet or CodeSystem by `#id`, or by canonical url (contained first)."""
        if reference.startswith("#"):
            found = self.contained.get(reference[1:])
            return found if found and found.get("resourceType") == kind else None
        url, _, version = reference.partition("|")
        for resource in self.contained.values():
            if resource.get("resourceType") == kind and resource.get("url") == url and (
                not version or str(resource.get("version", "")) == version
            ):
                return resource
        found = self.resolve(reference, kind)
        return found if isinstance(found, dict) and found.get("resourceType") == kind else None

    def expand(self, reference_or_value_set, depth: int = 0) -> list[dict]:
        """Concepts as dicts with system, version (if any), code, display and `source` (the
        element they came from, for its extensions such as the ordinal weight)."""
        if depth > MAX_DEPTH:
            raise Unsupported("the ValueSets include each other in a loop")
        value_set = reference_or_value_set
        if isinstance(value_set, str):
            value_set = self.find(reference_or_value_set, "ValueSet")
            if value_set is None:
                raise Unavailable(reference_or_value_set)
        expansion = value_set.get("expansion")
        if isinstance(expansion, dict) and expansion.get("contains"):
            return list(_flatten(expansion.get("contains")))
        compose = value_set.get("compose") if isinstance(value_set.get("compose"), dict) else {}
        found: dict[tuple, dict] = {}
        for include in _dicts(compose.get("include")):
            for concept in self.include(include, depth):
                found.setdefault((concept.get("system"), concept.get("code")), concept)
        for exclude in _dicts(compose.get("exclude")):
            for concept in self.include(exclude, depth):
                found.pop((concept.get("system"), concept.get("code")), None)
        return list(found.values())

    def include(self, include: dict, depth: int) -> list[dict]:
        system = include.get("system")
        version = include.get("version")
        concepts: list[dict] | None = None
        if system:
            listed = _dicts(include.get("concept"))
            if listed:
                known = {c["code"]: c for c in self.code_system(system, version, required=False)}
                concepts = []
                for concept in listed:
                    if not concept.get("code"):
                        continue
                    display = concept.get("display") or known.get(concept["code"], {}).get("display")
                    concepts.append(_coding(system, version, concept["code"], display, concept))
            else:
                rules = _dicts(include.get("filter"))
                for rule in rules:
                    _check_filter(rule, system)
                tree = self.code_system_tree(system, version)
                for rule in rules:
                    tree = _filtered(tree, rule, system)
                concepts = [
                    _coding(system, version, c["code"], c.get("display"), c)
                    for c in _walk(tree) if c.get("code") and not _not_selectable(c)
                ]
        for reference in include.get("valueSet") or ():
            if not isinstance(reference, str):
                continue
            members = self.expand(reference, depth + 1)
            if concepts is None:
                concepts = members
            else:
                keep = {(c.get("system"), c.get("code")) for c in members}
                concepts = [c for c in concepts if (c.get("system"), c.get("code")) in keep]
        return concepts or []

    def code_system_tree(self, system: str, version: str | None) -> list[dict]:
        reference = f"{system}|{version}" if version else system
        code_system = self.find(reference, "CodeSystem")
        if code_system is None or not _dicts(code_system.get("concept")):
            raise Unavailable(reference, "CodeSystem")
        return _dicts(code_system.get("concept"))

    def code_system(self, system: str, version: str | None, *, required: bool = True) -> list[dict]:
        """Every concept of a CodeSystem, depth first (empty if not loaded and not required)."""
        try:
            return [c for c in _walk(self.code_system_tree(system, version)) if c.get("code")]
        except Unavailable:
            if required:
                raise
            return []


def _dicts(value) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _walk(concepts: list[dict]):
    for concept in concepts:
        yield concept
        yield from _walk(_dicts(concept.get("concept")))


def _flatten(entries):
    for entry in _dicts(entries):
        if entry.get("code") and not entry.get("abstract"):
            yield _coding(entry.get("system"), entry.get("version"), entry["code"], entry.get("display"), entry)
        yield from _flatten(entry.get("contains"))


def _not_selectable(concept: dict) -> bool:
    return any(p.get("code") in ("notSelectable", "abstract") and p.get("valueBoolean") is True
               for p in _dicts(concept.get("property")))


def _coding(system, version, code, display, source) -> dict:
    coding = {"system": system, "version": version, "code": code, "display": display}
    return {**{k: v for k, v in coding.items() if v}, "source": source}


def _check_filter(rule: dict, system: str):
    operator, prop, value = rule.get("op"), rule.get("property"), rule.get("value")
    if operator not in SUPPORTED_FILTERS or prop not in ("concept", "code"):
        raise Unsupported(f"the filter {prop} {operator} {value} on {system} is not supported "
                          f"(only {' and '.join(SUPPORTED_FILTERS)} over the concept hierarchy)")


def _filtered(tree: list[dict], rule: dict, system: str) -> list[dict]:
    """The part of a CodeSystem hierarchy an is-a or descendent-of filter keeps."""
    operator, value = rule.get("op"), rule.get("value")
    for concept in _walk(tree):
        if concept.get("code") == value:
            children = _dicts(concept.get("concept"))
            return [{**concept, "concept": children}] if operator == "is-a" else children
    raise Unsupported(f"the filter {operator} {value} names a code that {system} does not have")


_SELECT = r"""where\(\s*linkId\s*=\s*(['"])(?P<link>[^'"]+)\1\s*\)"""
_CODE = r"""\s*\.\s*answer\s*\.\s*value(?:\s*\.\s*ofType\(\s*Coding\s*\))?\s*\.\s*code\b"""


def codes_read(resource: dict, link_ids: set[str]) -> list[tuple[str | None, str]]:
    """(item that owns the expression or None, linkId) for each FHIRPath expression in the
    questionnaire that reads `answer.value.code` of one of `link_ids`, directly
    (``...where(linkId='g').answer.value.code``) or through a variable naming that item."""
    found = []
    expressions = list(_expressions(resource, None))
    variables = {}
    for _, name, text in expressions:
        match = re.fullmatch(r".*" + _SELECT + r"\s*", text, re.S) if name else None
        if match:
            variables[name] = match.group("link")
    for owner, _, text in expressions:
        read = {m.group("link") for m in re.finditer(_SELECT + _CODE, text)}
        read |= {variables[m.group(1)] for m in re.finditer(r"%(\w+)" + _CODE, text) if m.group(1) in variables}
        found += [(owner, link) for link in sorted(read & link_ids)]
    return found


def _expressions(element, owner):
    """(owning linkId, variable name or None, FHIRPath text) for every valueExpression."""
    if isinstance(element, list):
        for entry in element:
            yield from _expressions(entry, owner)
        return
    if not isinstance(element, dict):
        return
    if isinstance(element.get("linkId"), str):
        owner = element["linkId"]
    expression = element.get("valueExpression")
    if isinstance(expression, dict) and isinstance(expression.get("expression"), str) and expression.get(
        "language", "text/fhirpath"
    ) == "text/fhirpath":
        yield owner, expression.get("name"), expression["expression"]
    for key, value in element.items():
        if key != "contained" and isinstance(value, list | dict):
            yield from _expressions(value, owner)
