"""The side-effect rule file's schema (``rules/side_effects.yaml``), one pydantic model per part.

Each model checks what it can see on its own; references between parts (a rule naming a field
or a parameter) are checked in ``checks.py``.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

from careguide.triage.engine import Id, Labelled, Source, Text

# Fixed by the evaluation contract (clinical/triage-contract.md), most urgent first.
DISPOSITIONS = ("emergency", "red", "amber", "green")

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
