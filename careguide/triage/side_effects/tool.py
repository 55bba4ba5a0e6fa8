"""The side-effects ``Tool``: reads, checks and compiles the rule file once, checks a contract
input strictly and evaluates it. ``SIDE_EFFECTS`` uses the file's own thresholds;
``with_parameters`` gives a deployment's."""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple

from careguide.triage.engine import (
    RULES_DIR,
    InputError,
    Result,
    RuleSetError,
    read_rule_file,
    show,
    unknown_field,
)

from .checks import cross_check
from .compiler import Compiled, compile_rules, coverage_problems
from .schema import DISPOSITIONS, SideEffectRuleSet

_DEFAULT = len(DISPOSITIONS) - 1  # green: nothing to act on

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
        problems = cross_check(rules)
        if problems:
            raise RuleSetError(self.path, problems)
        defaults = {name: p.value for name, p in rules.parameters.items()}
        problems = coverage_problems(rules, compile_rules(rules, defaults, rules.version))
        if problems:
            raise RuleSetError(self.path, problems)
        return rules

    @cached_property
    def _compiled(self) -> Compiled:
        rules = self.rules
        params = {name: p.value for name, p in rules.parameters.items()}
        changed = {k: v for k, v in self.overrides.items() if v != params[k]}
        params.update(changed)
        version = rules.version
        if changed:
            version += "+" + ",".join(f"{k}={float(v)!r}" for k, v in sorted(changed.items()))
        compiled = compile_rules(rules, params, version)
        if changed:
            problems = coverage_problems(rules, compiled)
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
