"""Checks across the side-effect rule file: references between its parts (fields, parameters,
levels, ``why`` placeholders), which pydantic cannot see one model at a time."""

from __future__ import annotations

import string

from careguide.triage.engine import duplicate_ids, unknown_field

from .schema import DISPOSITIONS, Band, GradeIn, SideEffectRuleSet, Symptom


def _placeholders(text: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]


def cross_check(rules: SideEffectRuleSet) -> list[tuple[str, str]]:
    """References between parts of the file, which pydantic cannot see one model at a time."""
    problems: list[tuple[str, str]] = []
    problems += duplicate_ids(rules.sources, "sources")
    problems += duplicate_ids(rules.dispositions, "dispositions")
    problems += duplicate_ids(rules.symptoms, "symptoms")
    names: set[str] = set()
    problems += duplicate_ids(rules.context, "context", names)
    problems += duplicate_ids(rules.inputs, "inputs", names)
    rule_ids: set[str] = set()
    for i, s in enumerate(rules.symptoms):
        problems += duplicate_ids(s.rules, f"symptoms[{i}].rules", rule_ids)
        if s.otherwise:
            problems += duplicate_ids([s.otherwise], f"symptoms[{i}].otherwise", rule_ids)
    problems += duplicate_ids(rules.combining.escalations, "combining.escalations", rule_ids)

    if rules.disposition_ids != DISPOSITIONS:
        problems.append(("dispositions", f"must be {', '.join(DISPOSITIONS)} in this order (the contract's)"))
    levels, sources, params = set(rules.disposition_ids), {s.id for s in rules.sources}, rules.parameters
    inputs = {f.id: f for f in rules.inputs}

    for name, p in params.items():
        if p.source not in sources:
            problems.append((f"parameters.{name}.source", f"unknown source '{p.source}'"))

    def check_text(where: str, text: str):
        try:
            for name in _placeholders(text):
                if name not in params:
                    problems.append((where, f"{{{name}}}: unknown parameter"))
        except ValueError as exc:
            problems.append((where, f"bad placeholder: {exc}"))

    def check_common(where: str, r):
        if r.level not in levels:
            problems.append((f"{where}.level", f"unknown level '{r.level}'"))
        if r.source not in sources:
            problems.append((f"{where}.source", f"unknown source '{r.source}'"))
        check_text(f"{where}.why", r.why)

    owner: dict[str, str] = {}
    for i, s in enumerate(rules.symptoms):
        for j, f in enumerate(s.fields):
            if f not in inputs:
                problems.append((f"symptoms[{i}].fields[{j}]", f"'{f}': {unknown_field(f, inputs)}"))
            elif f in owner:
                problems.append((f"symptoms[{i}].fields[{j}]", f"'{f}' already belongs to '{owner[f]}'"))
            else:
                owner[f] = s.id
        for j, r in enumerate(s.rules):
            where = f"symptoms[{i}].rules[{j}]"
            check_common(where, r)
            for k, c in enumerate(r.context_any):
                if c not in rules.context_ids:
                    problems.append((f"{where}.context_any[{k}]", f"'{c}': {unknown_field(c, rules.context_ids)}"))
            for k, cond in enumerate(r.when):
                problems.extend(_check_condition(f"{where}.when[{k}]", cond, s, inputs, params))
        if s.otherwise:
            check_common(f"symptoms[{i}].otherwise", s.otherwise)
    for i, f in enumerate(rules.inputs):
        if f.id not in owner:
            problems.append((f"inputs[{i}]", f"'{f.id}' belongs to no symptom"))

    for i, e in enumerate(rules.combining.escalations):
        where = f"combining.escalations[{i}]"
        for key in ("level", "to"):
            if getattr(e, key) not in levels:
                problems.append((f"{where}.{key}", f"unknown level '{getattr(e, key)}'"))
        if e.level in levels and e.to in levels and DISPOSITIONS.index(e.to) >= DISPOSITIONS.index(e.level):
            problems.append((f"{where}.to", f"'{e.to}' must be more urgent than '{e.level}'"))
        if e.source not in sources:
            problems.append((f"{where}.source", f"unknown source '{e.source}'"))
        check_text(f"{where}.why", e.why)
    return problems


def _check_condition(where, cond, symptom: Symptom, inputs, params) -> list[tuple[str, str]]:
    field = cond.grade if isinstance(cond, GradeIn) else cond.band if isinstance(cond, Band) else cond.flag
    key = "grade" if isinstance(cond, GradeIn) else "band" if isinstance(cond, Band) else "flag"
    if field not in inputs:
        return [(f"{where}.{key}", f"'{field}': {unknown_field(field, inputs)}")]
    if field not in symptom.fields:
        return [(f"{where}.{key}", f"'{field}' is not one of this symptom's fields")]
    kind = inputs[field].kind
    wanted = {"grade": ("grade",), "band": ("count", "percent", "measurement"), "flag": ("flag",)}[key]
    if kind not in wanted:
        return [(f"{where}.{key}", f"'{field}' is a {kind}; a {key} condition needs a {' or '.join(wanted)}")]
    problems = []
    if isinstance(cond, GradeIn):
        for n, g in enumerate(cond.in_):
            if not 1 <= g <= inputs[field].max:
                problems.append((f"{where}.in[{n}]", f"grade {g} is outside 1..{inputs[field].max} (0 is none)"))
    elif isinstance(cond, Band):
        for side in ("at_least", "above", "at_most", "below"):
            value = getattr(cond, side)
            if isinstance(value, str) and value[1:] not in params:
                problems.append((f"{where}.{side}", f"'{value}': unknown parameter"))
    return problems
