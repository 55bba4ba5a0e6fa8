"""Compiling a checked side-effect rule set into plain Python closures and lookup tables, so one
evaluation costs a few microseconds; and the coverage check (every reported answer reaches a
finding), run on the compiled rules."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from careguide.triage.engine import Finding, show

from .schema import DISPOSITIONS, Band, FlagIs, GradeIn, SideEffectRuleSet, Symptom

Values = Mapping[str, Any]  # the reported (non-none) answers, by field
Test = Callable[[Values], bool]


def _band_test(field: str, lo: float, lo_incl: bool, hi: float, hi_incl: bool) -> Test:
    # One closure per bound combination: no branching on the hot path.
    if lo_incl and hi_incl:
        return lambda s: (v := s.get(field)) is not None and lo <= v <= hi
    if lo_incl:
        return lambda s: (v := s.get(field)) is not None and lo <= v < hi
    if hi_incl:
        return lambda s: (v := s.get(field)) is not None and lo < v <= hi
    return lambda s: (v := s.get(field)) is not None and lo < v < hi


def _condition_test(cond, params: Mapping[str, float]) -> Test:
    if isinstance(cond, FlagIs):
        field = cond.flag
        return lambda s: field in s  # only yes answers are kept
    if isinstance(cond, GradeIn):
        field, grades = cond.grade, frozenset(cond.in_)
        return lambda s: s.get(field) in grades

    def value(bound):
        return params[bound[1:]] if isinstance(bound, str) else float(bound)

    lo, lo_incl = (value(cond.at_least), True) if cond.at_least is not None else (
        (value(cond.above), False) if cond.above is not None else (-math.inf, False))
    hi, hi_incl = (value(cond.at_most), True) if cond.at_most is not None else (
        (value(cond.below), False) if cond.below is not None else (math.inf, False))
    return _band_test(cond.band, lo, lo_incl, hi, hi_incl)


def _any(tests: list[Test]) -> Test:
    if len(tests) == 1:
        return tests[0]
    if len(tests) == 2:
        a, b = tests
        return lambda s: a(s) or b(s)
    return lambda s: any(t(s) for t in tests)


class _Group(NamedTuple):
    symptom: str
    fields: tuple[str, ...]
    # (context mask, test, entry), most urgent first; an entry is (rank, group index, finding)
    rules: tuple[tuple[int, Test, tuple[int, int, Finding]], ...]
    otherwise: tuple[int, int, Finding] | None
    evaluate: Callable[[int, Values], tuple[int, int, Finding] | None]


Entry = tuple[int, int, Finding]


def _rule_loop(rules, otherwise) -> Callable[[int, Values], Entry | None]:
    def evaluate(ctx: int, s: Values) -> Entry | None:
        for mask, test, entry in rules:
            if (not mask or ctx & mask) and test(s):
                return entry
        return otherwise

    return evaluate


def _table(field: str, mask: int, loop, top: int) -> tuple[int, list[list[Entry | None]]]:
    """A single grade, count or yes/no field: every (context, answer) worked out once at load, so
    a case costs two list lookups, ``rows[context & mask][answer]`` (a yes indexes as 1)."""
    rows = [[None, *(loop(m, {field: v}) for v in range(1, top + 1))] if m & ~mask == 0 else []
            for m in range(mask + 1)]
    return mask, rows


@dataclass(frozen=True)
class Compiled:
    version: str
    parameters: dict[str, float]
    context_bits: dict[str, int]
    fields: dict[str, tuple[str, float, float]]  # field -> (kind, low, high)
    group_of: dict[str, int]  # field -> index into groups
    groups: tuple[_Group, ...]
    evaluators: tuple[Callable[[int, Values], Entry | None], ...]  # each group's, by index
    tables: dict[str, tuple[int, list[list[Entry | None]]]]  # single-field groups, precomputed
    escalations: tuple[tuple[int, int, int, str, str], ...]  # (level rank, count, to rank, id, why)
    whys: dict[str, str]


def _fmt(value: float) -> str:
    return f"{value:.1f}"


def compile_rules(rules: SideEffectRuleSet, params: dict[str, float], version: str) -> Compiled:
    rank = {d: i for i, d in enumerate(DISPOSITIONS)}
    shown = {name: _fmt(v) for name, v in params.items()}
    whys = {r.id: r.why.format(**shown) for r in rules.all_rules()}
    bits = {name: 1 << i for i, name in enumerate(rules.context_ids)}
    kinds = {f.id: f for f in rules.inputs}
    groups, tables = [], {}
    for gi, s in enumerate(rules.symptoms):
        compiled, used = [], 0
        for r in s.rules:
            mask = 0
            for c in r.context_any:
                mask |= bits[c]
            used |= mask
            test = _any([_condition_test(c, params) for c in r.when])
            compiled.append((mask, test, (rank[r.level], gi, Finding(s.id, r.level, r.id, whys[r.id]))))
        compiled.sort(key=lambda rule: rule[2][0])  # most urgent first; stable, so file order breaks ties
        o = s.otherwise
        otherwise = (rank[o.level], gi, Finding(s.id, o.level, o.id, whys[o.id])) if o else None
        loop = _rule_loop(tuple(compiled), otherwise)
        if len(s.fields) == 1 and kinds[s.fields[0]].kind in ("grade", "count", "flag"):
            f = kinds[s.fields[0]]
            tables[f.id] = _table(f.id, used, loop, 1 if f.kind == "flag" else f.max)
        groups.append(_Group(s.id, tuple(s.fields), tuple(compiled), otherwise, loop))
    fields = {}
    for f in rules.inputs:
        low = 0.0 if f.kind != "measurement" else f.min
        fields[f.id] = (f.kind, low, f.max if f.max is not None else 1)
    escalations = tuple((rank[e.level], e.count, rank[e.to], e.id, whys[e.id]) for e in rules.combining.escalations)
    group_of = {f: i for i, g in enumerate(groups) for f in g.fields}
    return Compiled(version, dict(params), bits, fields, group_of, tuple(groups),
                     tuple(g.evaluate for g in groups), tables, escalations, whys)


def coverage_problems(rules: SideEffectRuleSet, compiled: Compiled) -> list[tuple[str, str]]:
    """Every answer that reports a symptom must reach a finding: with no context at all, some rule
    or ``otherwise`` must match. Checked on each field's grades and around every band edge."""
    problems = []
    for i, (s, group) in enumerate(zip(rules.symptoms, compiled.groups, strict=True)):
        if group.otherwise is not None:
            continue
        choices = [_representatives(rules, compiled, s, f) for f in s.fields]
        for combo in itertools.product(*choices):
            values = {f: v for f, v in zip(s.fields, combo, strict=True) if v is not None}
            if values and not any(mask == 0 and test(values) for mask, test, _ in group.rules):
                shown = ", ".join(f"{f}={show(v)}" for f, v in values.items())
                problems.append((f"symptoms[{i}]", f"no rule matches {shown} and there is no otherwise"))
                break
    return problems


def _representatives(rules, compiled, symptom: Symptom, field: str) -> list:
    kind, low, high = compiled.fields[field]
    if kind == "flag":
        return [None, True]
    if kind == "grade":
        return [None, *range(1, int(high) + 1)]
    edges = {low, high}
    for r in symptom.rules:
        for c in r.when:
            if isinstance(c, Band) and c.band == field:
                for side in ("at_least", "above", "at_most", "below"):
                    b = getattr(c, side)
                    if b is not None:
                        edges.add(compiled.parameters[b[1:]] if isinstance(b, str) else float(b))
    step = 1 if kind == "count" else 0.01
    points = {round(e + d, 6) for e in edges for d in (-step, 0, step)}
    reported = sorted(p for p in points if low <= p <= high and (kind == "measurement" or p > 0))
    return [None, *reported]
