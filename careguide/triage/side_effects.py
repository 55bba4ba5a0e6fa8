"""Side-effect triage (clinical/side-effect-triage.md): symptoms in, red/amber/green out. Pure Python.

The rules are data (``rules/side_effects.yaml``): each symptom group maps its answers (grades,
counts, a temperature, yes/no) to one level through grade maps, numeric bands, yes/no triggers
and context rules; the levels then combine into one disposition (any emergency -> emergency;
any red or two ambers -> red; one amber -> amber; else green). The file is validated once and
compiled into plain Python closures, so one evaluation costs a few microseconds.

Entry points: ``SIDE_EFFECTS`` (the ``Tool``), ``evaluate_side_effects(raw)``,
``side_effect_rules()``; a deployment's thresholds: ``SIDE_EFFECTS.with_parameters(fever_c=38.0)``
(the Django side reads them from settings in ``careguide.triage.deployment``; this module never
reads settings).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

from careguide.triage.engine import (
    RULES_DIR,
    Finding,
    Id,
    InputError,
    Labelled,
    Result,
    RuleSetError,
    Source,
    Text,
    read_rule_file,
    show,
    unknown_field,
)

# Fixed by the evaluation contract (clinical/triage-contract.md), most urgent first.
DISPOSITIONS = ("emergency", "red", "amber", "green")
_DEFAULT = len(DISPOSITIONS) - 1  # green: nothing to act on

# --- The rule-file schema ---------------------------------------------------------------------

ParamRef = Annotated[str, Field(pattern=r"^\$[a-z][a-z0-9_]*$")]
Bound = float | ParamRef


class _Model(BaseModel):
    # strict: a YAML "3" or yes is never read as a number; lists stay lists (strict refuses tuples).
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, str_strip_whitespace=True)


class Parameter(_Model):
    """A tunable threshold; a deployment may override ``value`` within ``min``..``max``."""

    value: float
    min: float
    max: float
    unit: Text
    about: Text
    source: Id

    @model_validator(mode="after")
    def _within(self) -> Parameter:
        if not self.min <= self.value <= self.max:
            raise ValueError(f"value {self.value} is outside min..max ({self.min}..{self.max})")
        return self


class InputField(_Model):
    """A contract field. ``flag``: yes/no; ``grade``: 0..max; ``count``: whole number 0..max;
    ``percent``: 0..100, 0 is none; ``measurement``: min..max, any value given is reported."""

    id: Id
    kind: Literal["flag", "grade", "count", "percent", "measurement"]
    min: float | None = None
    max: int | float | None = None
    unit: str = ""

    @model_validator(mode="after")
    def _bounds(self) -> InputField:
        if self.kind == "flag" and (self.min is not None or self.max is not None):
            raise ValueError("a flag has no min or max")
        if self.kind in ("grade", "count"):
            if self.min is not None:
                raise ValueError(f"a {self.kind} always starts at 0; remove min")
            if not isinstance(self.max, int) or self.max < 1:
                raise ValueError(f"a {self.kind} needs a whole-number max of 1 or more")
        if self.kind == "percent" and (self.min, self.max) != (0.0, 100.0):
            raise ValueError("a percent needs min 0 and max 100")
        if self.kind == "measurement" and (self.min is None or self.max is None or self.min >= self.max):
            raise ValueError("a measurement needs min < max")
        return self


class GradeIn(_Model):
    """Grade map entry: matches when the answer is one of these grades."""

    grade: Id
    in_: list[int] = Field(alias="in", min_length=1)


class Band(_Model):
    """Numeric band: ``at_least``/``above`` and ``at_most``/``below`` (a number or a $parameter)."""

    band: Id
    at_least: Bound | None = None
    above: Bound | None = None
    at_most: Bound | None = None
    below: Bound | None = None

    @model_validator(mode="after")
    def _one_per_side(self) -> Band:
        if self.at_least is not None and self.above is not None:
            raise ValueError("give at_least or above, not both")
        if self.at_most is not None and self.below is not None:
            raise ValueError("give at_most or below, not both")
        if all(b is None for b in (self.at_least, self.above, self.at_most, self.below)):
            raise ValueError("a band needs at_least, above, at_most or below")
        return self


class FlagIs(_Model):
    """Yes/no trigger: matches a yes."""

    flag: Id


def _condition_kind(value: Any) -> str | None:
    keys = value if isinstance(value, dict) else vars(value) if isinstance(value, BaseModel) else {}
    return next((k for k in ("grade", "band", "flag") if k in keys), None)


Condition = Annotated[
    Annotated[GradeIn, Tag("grade")] | Annotated[Band, Tag("band")] | Annotated[FlagIs, Tag("flag")],
    Discriminator(_condition_kind, custom_error_type="condition",
                  custom_error_message="a condition needs one of the keys grade, band or flag"),
]


class SymptomRule(_Model):
    """Matches when any ``when`` condition holds and, if given, any ``context_any`` answer is yes."""

    id: Id
    level: Id
    context_any: list[Id] = []
    when: list[Condition] = Field(min_length=1)
    why: Text
    source: Id


class Otherwise(_Model):
    """The finding for a reported symptom that no rule matched (e.g. a normal temperature)."""

    id: Id
    level: Id
    why: Text
    source: Id


class Symptom(_Model):
    id: Id
    label: Text
    fields: list[Id] = Field(min_length=1)
    rules: list[SymptomRule] = Field(min_length=1)
    otherwise: Otherwise | None = None


class Escalation(_Model):
    """``count`` or more findings at ``level`` raise the result to ``to``."""

    id: Id
    level: Id
    count: int = Field(ge=2)
    to: Id
    why: Text
    source: Id


class Combining(_Model):
    escalations: list[Escalation] = []


class SideEffectRuleSet(_Model):
    id: Id
    tool: Id
    version: Annotated[str, Field(pattern=r"^\d{4}\.\d{1,2}\.\d+$")]
    owner: Text
    effective: dt.date
    sources: list[Source] = Field(min_length=1)
    parameters: dict[Id, Parameter] = {}
    context: list[Labelled] = Field(min_length=1)
    inputs: list[InputField] = Field(min_length=1)
    dispositions: list[Labelled] = Field(min_length=2)
    combining: Combining = Combining()
    symptoms: list[Symptom] = Field(min_length=1)

    @cached_property
    def context_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.context)

    @cached_property
    def input_ids(self) -> tuple[str, ...]:
        return tuple(f.id for f in self.inputs)

    @cached_property
    def symptom_ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.symptoms)

    @cached_property
    def disposition_ids(self) -> tuple[str, ...]:
        return tuple(d.id for d in self.dispositions)

    def input(self, field: str) -> InputField:
        return next(f for f in self.inputs if f.id == field)

    def symptom(self, symptom_id: str) -> Symptom:
        return next(s for s in self.symptoms if s.id == symptom_id)

    def all_rules(self) -> list[SymptomRule | Otherwise | Escalation]:
        """Every rule with an id and a ``why``, in file order."""
        out: list[SymptomRule | Otherwise | Escalation] = []
        for s in self.symptoms:
            out.extend(s.rules)
            if s.otherwise:
                out.append(s.otherwise)
        out.extend(self.combining.escalations)
        return out

    def rule(self, rule_id: str) -> SymptomRule | Otherwise | Escalation:
        for r in self.all_rules():
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)


# --- Checks across the file -------------------------------------------------------------------


def _placeholders(text: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]


def _cross_check(rules: SideEffectRuleSet) -> list[tuple[str, str]]:
    """References between parts of the file, which pydantic cannot see one model at a time."""
    problems: list[tuple[str, str]] = []

    def unique(items, where, seen=None):
        seen = set() if seen is None else seen
        for i, item in enumerate(items):
            if item.id in seen:
                problems.append((f"{where}[{i}].id", f"'{item.id}' is used twice"))
            seen.add(item.id)

    unique(rules.sources, "sources")
    unique(rules.dispositions, "dispositions")
    unique(rules.symptoms, "symptoms")
    names: set[str] = set()
    unique(rules.context, "context", names)
    unique(rules.inputs, "inputs", names)
    rule_ids: set[str] = set()
    for i, s in enumerate(rules.symptoms):
        unique(s.rules, f"symptoms[{i}].rules", rule_ids)
        if s.otherwise:
            unique([s.otherwise], f"symptoms[{i}].otherwise", rule_ids)
    unique(rules.combining.escalations, "combining.escalations", rule_ids)

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


# --- Compiling the rules into plain Python ------------------------------------------------------

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
class _Compiled:
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


def _compile(rules: SideEffectRuleSet, params: dict[str, float], version: str) -> _Compiled:
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
    return _Compiled(version, dict(params), bits, fields, group_of, tuple(groups),
                     tuple(g.evaluate for g in groups), tables, escalations, whys)


def _coverage_problems(rules: SideEffectRuleSet, compiled: _Compiled) -> list[tuple[str, str]]:
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


# --- The tool ----------------------------------------------------------------------------------


class ParameterError(ValueError):
    """A parameter override the rule set refuses; each problem names the parameter."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{name}: {message}" for name, message in problems))


class Answers(NamedTuple):
    """Checked answers: the context as a bit mask, and only the reported (non-none) symptom values."""

    context: int
    symptoms: dict[str, Any]


_TOP_FIELDS = ("context", "symptoms")
_EMPTY: dict = {}


class SideEffectsTool:
    """The side-effects ``Tool``: rules read from ``path`` on first use, with optional parameter
    overrides (see ``with_parameters``)."""

    name = "side-effects"

    def __init__(self, path: Path | str, overrides: Mapping[str, float] | None = None,
                 _rules: SideEffectRuleSet | None = None):
        self.path = Path(path)
        self.overrides = dict(overrides or {})
        if _rules is not None:
            self.__dict__["rules"] = _rules

    @cached_property
    def rules(self) -> SideEffectRuleSet:
        rules = read_rule_file(self.path, SideEffectRuleSet)
        if rules.tool != self.name:
            raise RuleSetError(self.path, [("tool", f"is '{rules.tool}', expected '{self.name}'")])
        problems = _cross_check(rules)
        if problems:
            raise RuleSetError(self.path, problems)
        defaults = {name: p.value for name, p in rules.parameters.items()}
        problems = _coverage_problems(rules, _compile(rules, defaults, rules.version))
        if problems:
            raise RuleSetError(self.path, problems)
        return rules

    @cached_property
    def _compiled(self) -> _Compiled:
        rules = self.rules
        params = {name: p.value for name, p in rules.parameters.items()}
        changed = {k: v for k, v in self.overrides.items() if v != params[k]}
        params.update(changed)
        version = rules.version
        if changed:
            version += "+" + ",".join(f"{k}={float(v)!r}" for k, v in sorted(changed.items()))
        compiled = _compile(rules, params, version)
        if changed:
            problems = _coverage_problems(rules, compiled)
            if problems:
                raise ParameterError([(", ".join(sorted(changed)), m) for _, m in problems])
        return compiled

    # -- the Tool protocol --

    @property
    def version(self) -> str:
        """The rule file's version, plus any overridden parameters: "2026.11.2+fever_c=38.0"."""
        return self._compiled.version

    @property
    def dispositions(self) -> tuple[str, ...]:
        return DISPOSITIONS

    @property
    def parameters(self) -> dict[str, float]:
        """The thresholds in force."""
        return dict(self._compiled.parameters)

    def with_parameters(self, **overrides: float) -> SideEffectsTool:
        """The same rules with some thresholds changed for a deployment, e.g. ``fever_c=38.0``.
        Each value must be a number within the parameter's bounds in the rule file."""
        rules = self.rules
        problems = []
        for name, value in overrides.items():
            p = rules.parameters.get(name)
            if p is None:
                problems.append((name, unknown_field(name, rules.parameters)))
            elif isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                problems.append((name, f"must be a number, got {show(value)}"))
            elif not p.min <= value <= p.max:
                problems.append((name, f"{show(value)} is outside the allowed {p.min}..{p.max} {p.unit}"))
        if problems:
            raise ParameterError(problems)
        tool = SideEffectsTool(self.path, {**self.overrides, **{k: float(v) for k, v in overrides.items()}}, rules)
        tool._compiled  # noqa: B018 - compile now, so a bad override fails here and not mid-request
        return tool

    def why(self, rule_id: str) -> str:
        """The plain sentence for a rule id, with the thresholds in force filled in."""
        return self._compiled.whys[rule_id]

    def parse_input(self, raw: object) -> Answers:
        """The contract input checked strictly. Unknown fields, wrong types (true is not 1; 2.0
        is not a grade) and out-of-range values raise ``InputError`` naming e.g. "symptoms.mouth"."""
        # The fast path only accepts; at the first doubt, _problems reads the input again slowly
        # and names every problem. Both apply the same tests.
        c = self._compiled
        if type(raw) is not dict:
            if not isinstance(raw, Mapping):
                raise InputError(self._problems(raw))
            raw = dict(raw)
        mask = 0
        values: dict[str, Any] = {}
        context = raw.get("context", _EMPTY)
        if type(context) is not dict and isinstance(context, Mapping):
            context = dict(context)
        symptoms = raw.get("symptoms", _EMPTY)
        if type(symptoms) is not dict and isinstance(symptoms, Mapping):
            symptoms = dict(symptoms)
        ok = len(raw) <= 2 and type(context) is dict and type(symptoms) is dict and (
            len(raw) == ("context" in raw) + ("symptoms" in raw))
        if ok:
            bits = c.context_bits
            for name, value in context.items():
                bit = bits.get(name)
                if bit is None or (value is not True and value is not False):
                    ok = False
                    break
                if value:
                    mask |= bit
        if ok:
            fields = c.fields
            for name, value in symptoms.items():
                spec = fields.get(name)
                if spec is None:
                    ok = False
                    break
                kind, low, high = spec
                if kind == "flag":
                    if value is True:
                        values[name] = True
                    elif value is not False:
                        ok = False
                        break
                elif kind == "grade" or kind == "count":
                    if type(value) is not int or not 0 <= value <= high:
                        ok = False
                        break
                    if value:
                        values[name] = value
                else:  # a number; NaN and infinities fail the range test
                    value_type = type(value)
                    if (value_type is not float and value_type is not int) or not low <= value <= high:
                        ok = False
                        break
                    if kind == "measurement":
                        # Rounded to a millionth so that 99.5 F converted to C lands on 37.5, not below it.
                        values[name] = round(float(value), 6)
                    elif value:
                        values[name] = value
        if not ok:
            raise InputError(self._problems(raw))
        return Answers(mask, values)

    def _problems(self, raw: object) -> list[tuple[str, str]]:
        """Every problem with an input, each naming its field."""
        c = self._compiled
        if not isinstance(raw, Mapping):
            return [("(input)", f"must be an object with context and symptoms, got {show(raw)}")]
        problems: list[tuple[str, str]] = []
        for key in raw:
            if key not in _TOP_FIELDS:
                problems.append((str(key), unknown_field(key, _TOP_FIELDS)))
        context = raw.get("context", {})
        if not isinstance(context, Mapping):
            problems.append(("context", f"must be an object of yes/no answers, got {show(context)}"))
        else:
            bits = c.context_bits
            for name, value in context.items():
                bit = bits.get(name)
                if bit is None:
                    problems.append((f"context.{name}", unknown_field(name, bits)))
                elif value is not True and value is not False:
                    problems.append((f"context.{name}", f"must be true or false (a JSON boolean), got {show(value)}"))
        symptoms = raw.get("symptoms", {})
        if not isinstance(symptoms, Mapping):
            problems.append(("symptoms", f"must be an object of answers, got {show(symptoms)}"))
        else:
            for name, value in symptoms.items():
                message = self._symptom_problem(name, value)
                if message:
                    problems.append((f"symptoms.{name}", message))
        return problems or [("(input)", "could not be read")]

    def _symptom_problem(self, name: str, value: object) -> str | None:
        spec = self._compiled.fields.get(name)
        if spec is None:
            return unknown_field(name, self._compiled.fields)
        kind, low, high = spec
        value_type = type(value)
        if kind == "flag":
            if value is not True and value is not False:
                return f"must be true or false (a JSON boolean), got {show(value)}"
        elif kind == "grade":
            if value_type is not int or not 0 <= value <= high:
                return f"must be a whole number from 0 to {high}, got {show(value)}"
        elif kind == "count":
            if value_type is not int:
                return f"must be a whole number, 0 or more, got {show(value)}"
            if value < 0:
                return f"must be 0 or more, got {value}"
            if value > high:
                return f"must be at most {high}, got {value}"
        elif (value_type is not float and value_type is not int) or not math.isfinite(value):
            return f"must be a number, got {show(value)}"
        elif not low <= value <= high:
            return f"must be from {low:g} to {high:g}, got {value}"
        return None

    def evaluate(self, answers: Answers) -> Result:
        """One finding per reported symptom, then the combining rule. ``answers`` must come from
        ``parse_input``."""
        c = self._compiled
        ctx, s = answers
        tables = c.tables
        found = []
        others = None
        for field, value in s.items():
            table = tables.get(field)
            if table is not None:
                found.append(table[1][ctx & table[0]][value])
            elif others is None:
                others = {c.group_of[field]}
            else:
                others.add(c.group_of[field])
        if others:
            evaluators = c.evaluators
            found.extend(evaluators[i](ctx, s) for i in others)
        if None in found:  # the coverage check at load makes this unreachable
            raise RuntimeError("a reported symptom matched no rule")
        found.sort()  # most urgent first, then in the file's order of symptoms
        best = found[0][0] if found else _DEFAULT
        raised = None
        for level, count, to, rule_id, why in c.escalations:
            if best > to and [entry[0] for entry in found].count(level) >= count:
                best, raised = to, (rule_id, why)
        # The reasons are what led to the result: every finding above the default level (most
        # urgent first) or, for a default result, the findings that were judged fine.
        reasons, explanations = ([raised[0]], [raised[1]]) if raised else ([], [])
        for level, _, finding in found:
            if level < _DEFAULT or best == _DEFAULT:
                reasons.append(finding.rule)
                explanations.append(finding.why)
        return Result(DISPOSITIONS[best], reasons, c.version, explanations, tuple([f for _, _, f in found]))


SIDE_EFFECTS = SideEffectsTool(RULES_DIR / "side_effects.yaml")


def side_effect_rules() -> SideEffectRuleSet:
    """The rule set as written in the file, loaded and validated once: version, owner, sources,
    parameters, symptom groups with labels, rules with ``why`` texts (``SIDE_EFFECTS.why(id)``
    gives a why with the thresholds in force filled in)."""
    return SIDE_EFFECTS.rules


def evaluate_side_effects(raw: object) -> Result:
    """The disposition for the contract input ``{"context": {...}, "symptoms": {...}}`` under the
    rule file's own thresholds. Bad input raises ``InputError`` naming each field."""
    return SIDE_EFFECTS.evaluate(SIDE_EFFECTS.parse_input(raw))
