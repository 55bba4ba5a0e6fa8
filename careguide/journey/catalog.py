"""Treatment plan templates: content/plans/*.yaml, one file per template, validated with pydantic.

No Django imports at module level, so a writer can check the files with ``read_templates(dir)``
before anything runs. Every error is a ``ContentError`` naming the file and the field
(``phases[2].schedule.weeks``), like the library's content files.

A phase says how long it lasts (``schedule``) or that it runs ``alongside`` other phases (it
spans them). Amounts are numbers or ``{param: key}``, a parameter the clinician sets when
applying the template; ``when`` includes a phase only for some values of a choice parameter.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from careguide.core.contentfiles import ContentError, load

FOLDER = "plans"
SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Slug = Annotated[str, Field(pattern=SLUG, max_length=60)]
ParamKey = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
Line = Annotated[str, Field(min_length=1, max_length=300)]
# A library page path, optionally with a section anchor: /conditions/bone-cancer/#surgery
LibraryPath = Annotated[str, Field(pattern=r"^/(?:[a-z0-9-]+/)+(?:#[a-z0-9-]+)?$", max_length=200)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class Choice(Strict):
    value: Slug
    label: Line


class Parameter(Strict):
    key: ParamKey
    label: Line
    help: str = ""
    kind: Literal["integer", "choice"] = "integer"
    default: int | str
    minimum: int | None = None
    maximum: int | None = None
    choices: list[Choice] = []

    @model_validator(mode="after")
    def _consistent(self):
        if self.kind == "integer":
            if self.minimum is None or self.maximum is None:
                raise ValueError("an integer parameter needs a minimum and a maximum")
            if not 1 <= self.minimum <= self.maximum:
                raise ValueError("minimum must be at least 1 and no more than maximum")
            if not isinstance(self.default, int) or not self.minimum <= self.default <= self.maximum:
                raise ValueError("default must be a whole number between minimum and maximum")
        else:
            if len(self.choices) < 2:
                raise ValueError("a choice parameter needs at least 2 choices")
            if self.default not in {c.value for c in self.choices}:
                raise ValueError("default must be one of the choices' values")
        return self


class ParamRef(Strict):
    param: ParamKey


Amount = Annotated[int, Field(ge=1, le=1000)] | ParamRef


class Span(Strict):
    """A stretch of days or weeks."""

    kind: Literal["span"]
    days: Amount | None = None
    weeks: Amount | None = None

    @model_validator(mode="after")
    def _one_length(self):
        if (self.days is None) == (self.weeks is None):
            raise ValueError("give either days or weeks")
        return self


class Day(Strict):
    """One day: surgery, transplant day."""

    kind: Literal["day"]


class Weekdays(Strict):
    """Treatment every weekday, Monday to Friday, for a number of weeks (radiation)."""

    kind: Literal["weekdays"]
    weeks: Amount


class Cycles(Strict):
    """A treatment day every ``every_days`` days, ``count`` times (chemotherapy cycles)."""

    kind: Literal["cycles"]
    every_days: Amount
    count: Amount


class Until(Strict):
    """Up to a day counted from the start of an earlier phase (day 100 after a transplant)."""

    kind: Literal["until"]
    phase: Slug
    day: Annotated[int, Field(ge=1, le=1000)]


Schedule = Annotated[Span | Day | Weekdays | Cycles | Until, Field(discriminator="kind")]


class When(Strict):
    param: ParamKey
    values: Annotated[list[Slug], Field(min_length=1, alias="in")]


class PhaseSpec(Strict):
    key: Slug
    title: Line
    purpose: Annotated[str, Field(min_length=1, max_length=600)]
    schedule: Schedule | None = None
    alongside: list[Slug] = []
    when: When | None = None
    library: LibraryPath
    side_effects: list[Slug] = []

    @model_validator(mode="after")
    def _placed(self):
        if (self.schedule is None) == (not self.alongside):
            raise ValueError("give either a schedule or the phases it runs alongside")
        return self


class PlanTemplate(Strict):
    id: Slug
    version: Annotated[int, Field(ge=1)]
    title: Line
    summary: Line
    source: Line
    parameters: list[Parameter] = []
    phases: Annotated[list[PhaseSpec], Field(min_length=1)]

    @model_validator(mode="after")
    def _references(self):
        params = {p.key: p for p in self.parameters}
        if len(params) != len(self.parameters):
            raise ValueError("each parameter needs its own key")
        keys = [p.key for p in self.phases]
        if len(set(keys)) != len(keys):
            raise ValueError("each phase needs its own key")
        sequential = [p.key for p in self.phases if p.schedule is not None]
        if not sequential:
            raise ValueError("at least one phase needs a schedule")
        for n, phase in enumerate(self.phases):
            for amount in _amounts(phase.schedule):
                param = params.get(amount.param)
                if param is None or param.kind != "integer":
                    raise ValueError(f"phases[{n}]: '{amount.param}' is not an integer parameter of this template")
            if phase.when is not None:
                param = params.get(phase.when.param)
                if param is None or param.kind != "choice":
                    raise ValueError(f"phases[{n}].when: '{phase.when.param}' is not a choice parameter")
                unknown = set(phase.when.values) - {c.value for c in param.choices}
                if unknown:
                    raise ValueError(f"phases[{n}].when: unknown values {sorted(unknown)}")
            for other in phase.alongside:
                if other not in sequential:
                    raise ValueError(f"phases[{n}].alongside: '{other}' is not a scheduled phase of this template")
            earlier = sequential[: sequential.index(phase.key)] if phase.key in sequential else []
            if isinstance(phase.schedule, Until) and phase.schedule.phase not in earlier:
                raise ValueError(f"phases[{n}].schedule.phase: '{phase.schedule.phase}' must be an earlier phase")
        return self

    def parameter(self, key: str) -> Parameter | None:
        return next((p for p in self.parameters if p.key == key), None)

    @property
    def reference(self) -> str:
        return f"{self.id}|{self.version}"


def _amounts(schedule) -> list[ParamRef]:
    if schedule is None:
        return []
    values = [getattr(schedule, name, None) for name in ("days", "weeks", "every_days", "count")]
    return [v for v in values if isinstance(v, ParamRef)]


def read_template(path: Path | str, side_effects: set[str] | None = None) -> PlanTemplate:
    """Parse and validate one template file. ``side_effects``: the known side-effect slugs, to
    check each phase's list against (skipped when None)."""
    path = Path(path)
    name = f"{FOLDER}/{path.name}"
    template = load(path, PlanTemplate, name, missing="file not found")
    if template.id != path.stem:
        raise ContentError(name, "id", f"must match the file name ('{path.stem}')")
    if side_effects is not None:
        for n, phase in enumerate(template.phases):
            for i, slug in enumerate(phase.side_effects):
                if slug not in side_effects:
                    raise ContentError(name, f"phases[{n}].side_effects[{i}]",
                                       f"'{slug}' is not a side effect in side-effects.yaml")
    return template


def read_templates(content_dir: Path | str) -> dict[str, PlanTemplate]:
    """Every template in content/plans/, by id, checked against content/side-effects.yaml."""
    root = Path(content_dir)
    effects_file = root / "side-effects.yaml"
    known = None
    if effects_file.exists():
        data = yaml.safe_load(effects_file.read_text(encoding="utf-8")) or {}
        known = {item.get("slug") for item in data.get("side_effects", []) if isinstance(item, dict)}
    found = {}
    for path in sorted((root / FOLDER).glob("*.yaml")):
        template = read_template(path, known)
        found[template.id] = template
    return found


@functools.cache
def templates() -> dict[str, PlanTemplate]:
    """The templates the site offers, read from settings.CONTENT_DIR once per process."""
    from django.conf import settings

    return read_templates(settings.CONTENT_DIR)


def get(template_id: str) -> PlanTemplate | None:
    return templates().get(template_id)
