"""Yes/no gates (``BooleanRuleSet`` rule files) and the back-pain program's gate. Pure Python, no Django.

A yes/no gate is versioned YAML with sources: fields answered yes or no, dispositions (most
urgent first, the last is the default), rules, an optional clearance and, for the back-pain
program, ``check_in_pain`` (how a weekly 0-10 pain score is read, ``assess_pain``). It is loaded
and validated once by a ``BooleanTool``.

The back-pain gate's entry points are at the end (rules/back_pain.yaml;
clinical/back-pain-gate.md): ``BACK_PAIN``, ``evaluate_back_pain``, ``back_pain_rules``,
``assess_back_pain_check_in``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Annotated

from pydantic import Field

from careguide.triage.engine import (
    RULES_DIR,
    Id,
    InputError,
    Labelled,
    Result,
    RuleSetError,
    Source,
    Strict,
    Text,
    duplicate_ids,
    read_rule_file,
    show,
    unknown_field,
)


class Rule(Strict):
    """Matches when every ``all_of`` field is yes and, if ``any_of`` is given, one of those is."""

    id: Id
    disposition: Id
    all_of: tuple[Id, ...] = ()
    any_of: tuple[Id, ...] = ()
    why: Text
    source: Id

    def matches(self, yes: frozenset[str]) -> bool:
        return all(f in yes for f in self.all_of) and (not self.any_of or any(f in yes for f in self.any_of))


class Clearance(Strict):
    """A yes to ``field`` turns ``lowers`` into ``to``; no other disposition is touched."""

    id: Id
    field: Id
    lowers: Id
    to: Id
    why: Text
    source: Id


class PainHigh(Strict):
    """A 0-10 pain score at or above ``at_least`` is high."""

    id: Id
    at_least: int = Field(ge=1, le=10)
    why: Text
    source: Id


class PainWorse(Strict):
    """A pain score at least ``rise_of`` points above the previous one is worse."""

    id: Id
    rise_of: int = Field(ge=1, le=10)
    why: Text
    source: Id


class CheckInPain(Strict):
    """How a weekly check-in's 0-10 pain score is read (see ``assess_pain``)."""

    high: PainHigh
    worse: PainWorse


# What a check-in's pain score means, most urgent first.
PAIN_LEVELS = ("high", "worse", "steady")


class BooleanRuleSet(Strict):
    """A yes/no gate: fields, dispositions (most urgent first, the last is the default), rules;
    optionally ``check_in_pain``, how a program's weekly pain score is read."""

    id: Id
    tool: Id
    version: Annotated[str, Field(pattern=r"^\d{4}\.\d{1,2}\.\d+$")]
    owner: Text
    effective: dt.date
    sources: tuple[Source, ...] = Field(min_length=1)
    fields: tuple[Labelled, ...] = Field(min_length=1)
    dispositions: tuple[Labelled, ...] = Field(min_length=2)
    rules: tuple[Rule, ...] = Field(min_length=1)
    clearance: Clearance | None = None
    check_in_pain: CheckInPain | None = None

    @cached_property
    def field_ids(self) -> tuple[str, ...]:
        return tuple(f.id for f in self.fields)

    @cached_property
    def disposition_ids(self) -> tuple[str, ...]:
        return tuple(d.id for d in self.dispositions)

    @property
    def default(self) -> str:
        return self.dispositions[-1].id

    def urgency(self, disposition: str) -> int:
        """0 for the most urgent disposition; larger is less urgent."""
        return self.disposition_ids.index(disposition)

    def label(self, field_or_disposition: str) -> str:
        for item in (*self.fields, *self.dispositions):
            if item.id == field_or_disposition:
                return item.label
        raise KeyError(field_or_disposition)

    def why(self, rule_id: str) -> str:
        pain = (self.check_in_pain.high, self.check_in_pain.worse) if self.check_in_pain else ()
        for rule in (*self.rules, self.clearance, *pain):
            if rule is not None and rule.id == rule_id:
                return rule.why
        raise KeyError(rule_id)


def _cross_check(rules: BooleanRuleSet) -> list[tuple[str, str]]:
    """References between parts of the file, which pydantic cannot see one model at a time."""
    problems: list[tuple[str, str]] = [
        *duplicate_ids(rules.sources, "sources"),
        *duplicate_ids(rules.fields, "fields"),
        *duplicate_ids(rules.dispositions, "dispositions"),
        *duplicate_ids([*rules.rules, *([rules.clearance] if rules.clearance else [])], "rules"),
    ]

    fields, sources = set(rules.field_ids), {s.id for s in rules.sources}
    clearance_field = rules.clearance.field if rules.clearance else None
    used: set[str] = set()
    for i, rule in enumerate(rules.rules):
        where = f"rules[{i}]"
        if rule.disposition not in rules.disposition_ids:
            problems.append((f"{where}.disposition", f"unknown disposition '{rule.disposition}'"))
        elif rule.disposition == rules.default:
            problems.append((f"{where}.disposition", f"'{rule.default}' is the default; a rule for it does nothing"))
        if not rule.all_of and not rule.any_of:
            problems.append((where, "needs all_of or any_of (a rule without a condition would always match)"))
        for key in ("all_of", "any_of"):
            for j, name in enumerate(getattr(rule, key)):
                if name not in fields:
                    problems.append((f"{where}.{key}[{j}]", f"'{name}': {unknown_field(name, fields)}"))
                elif name == clearance_field:
                    problems.append((f"{where}.{key}[{j}]", f"'{name}' is the clearance field; no rule may use it"))
                used.add(name)
        if rule.source not in sources:
            problems.append((f"{where}.source", f"unknown source '{rule.source}'"))

    if rules.clearance:
        c = rules.clearance
        if c.field not in fields:
            problems.append(("clearance.field", f"'{c.field}': {unknown_field(c.field, fields)}"))
        for key in ("lowers", "to"):
            if getattr(c, key) not in rules.disposition_ids:
                problems.append((f"clearance.{key}", f"unknown disposition '{getattr(c, key)}'"))
        both_known = c.lowers in rules.disposition_ids and c.to in rules.disposition_ids
        if both_known and rules.urgency(c.to) <= rules.urgency(c.lowers):
            problems.append(("clearance.to", f"'{c.to}' must be less urgent than '{c.lowers}'"))
        if c.source not in sources:
            problems.append(("clearance.source", f"unknown source '{c.source}'"))
        used.add(c.field)

    if rules.check_in_pain:
        for key in ("high", "worse"):
            part = getattr(rules.check_in_pain, key)
            if part.source not in sources:
                problems.append((f"check_in_pain.{key}.source", f"unknown source '{part.source}'"))

    for i, name in enumerate(rules.field_ids):
        if name not in used:
            problems.append((f"fields[{i}]", f"'{name}' is used by no rule"))
    return problems


def load_rule_set(path: Path | str) -> BooleanRuleSet:
    """Read and validate a yes/no rule file; ``RuleSetError`` names the file and every bad field."""
    path = Path(path)
    rules = read_rule_file(path, BooleanRuleSet)
    problems = _cross_check(rules)
    if problems:
        raise RuleSetError(path, problems)
    return rules


# --- Evaluating a yes/no gate -----------------------------------------------------------------


def parse_answers(rules: BooleanRuleSet, raw: object) -> dict[str, bool]:
    """Every field of the gate as True/False (missing = False). Only real booleans are answers:
    1, "yes" or null are refused, so a typo cannot quietly read as "no"."""
    if not isinstance(raw, Mapping):
        raise InputError([("(input)", f"must be an object of yes/no answers, got {show(raw)}")])
    problems = []
    for name, value in raw.items():
        if name not in rules.field_ids:
            problems.append((str(name), unknown_field(name, rules.field_ids)))
        elif not isinstance(value, bool):
            problems.append((name, f"must be true or false (a JSON boolean), got {show(value)}"))
    if problems:
        raise InputError(problems)
    return {name: raw.get(name, False) for name in rules.field_ids}


def evaluate_rules(rules: BooleanRuleSet, answers: Mapping[str, bool]) -> Result:
    """The most urgent matching rule decides; clearance may then lower its one disposition.

    ``answers`` must have passed ``parse_answers``. Rules only ever look for yes answers, so one
    more yes can add a match but never remove one: the gate is monotone by construction."""
    yes = frozenset(name for name, value in answers.items() if value)
    matched = sorted((r for r in rules.rules if r.matches(yes)), key=lambda r: rules.urgency(r.disposition))
    disposition = matched[0].disposition if matched else rules.default
    applied: list[Rule | Clearance] = list(matched)
    c = rules.clearance
    if c is not None and c.field in yes and disposition == c.lowers:
        disposition = c.to
        applied.append(c)
    return Result(
        disposition=disposition,
        reasons=[r.id for r in applied],
        rule_set_version=rules.version,
        explanations=[r.why for r in applied],
    )


def assess_pain(rules: BooleanRuleSet, pain: int, previous: int | None = None) -> Result:
    """What a weekly check-in's pain score (0-10) means, next to the previous one, if any.

    ``high`` when the score is at least ``check_in_pain.high.at_least``; otherwise ``worse`` when
    it rose by at least ``check_in_pain.worse.rise_of`` since the previous check-in; otherwise
    ``steady``. A higher score never gives a less urgent level (tested for every pair of scores).
    """
    if rules.check_in_pain is None:
        raise ValueError(f"rule set {rules.id} has no check_in_pain")
    problems = [(name, f"must be a whole number from 0 to 10, got {show(value)}")
                for name, value in (("pain", pain), ("previous", previous))
                if not (value is None and name == "previous")
                and (isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10)]
    if problems:
        raise InputError(problems)
    high, worse = rules.check_in_pain.high, rules.check_in_pain.worse
    applied = []
    if pain >= high.at_least:
        level, applied = "high", [high]
    elif previous is not None and pain - previous >= worse.rise_of:
        level, applied = "worse", [worse]
    else:
        level = "steady"
    return Result(disposition=level, reasons=[r.id for r in applied], rule_set_version=rules.version,
                  explanations=[r.why for r in applied])


class BooleanTool:
    """A ``Tool`` whose rules are a yes/no rule file, read and validated on first use."""

    def __init__(self, name: str, path: Path | str):
        self.name = name
        self.path = Path(path)

    @cached_property
    def rules(self) -> BooleanRuleSet:
        rules = load_rule_set(self.path)
        if rules.tool != self.name:
            raise RuleSetError(self.path, [("tool", f"is '{rules.tool}', expected '{self.name}'")])
        return rules

    @property
    def version(self) -> str:
        return self.rules.version

    @property
    def dispositions(self) -> tuple[str, ...]:
        return self.rules.disposition_ids

    def parse_input(self, raw: object) -> dict[str, bool]:
        return parse_answers(self.rules, raw)

    def evaluate(self, answers: Mapping[str, bool]) -> Result:
        return evaluate_rules(self.rules, answers)


# --- The back-pain program's red-flag gate (rules/back_pain.yaml; clinical/back-pain-gate.md) --

BACK_PAIN = BooleanTool("back-pain", RULES_DIR / "back_pain.yaml")


def back_pain_rules() -> BooleanRuleSet:
    """The gate's rule set, loaded and validated once: version, sources, field labels, `why` texts."""
    return BACK_PAIN.rules


def assess_back_pain_check_in(pain: int, previous: int | None = None) -> Result:
    """What a back-pain program check-in's pain score means (rules/back_pain.yaml, check_in_pain)."""
    return assess_pain(BACK_PAIN.rules, pain, previous)


def evaluate_back_pain(answers: Mapping[str, bool]) -> Result:
    """Where a person with these answers should go. Missing answers count as no; an unknown
    field or a value other than True/False raises ``InputError`` naming the field."""
    return BACK_PAIN.evaluate(BACK_PAIN.parse_input(answers))
