"""A template, a start date and parameters -> dated phases. Pure: no Django, no database.

Scheduled phases follow one another: each starts the day after the one before ends. A
radiation phase starts on the first weekday on or after that day (nobody is treated at the
weekend), so a weekend may sit between it and the phase before. A phase ``alongside`` others
spans them, from the first one's start to the last one's end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from .catalog import Cycles, Day, ParamRef, PlanTemplate, Span, Until, Weekdays

DAY = dt.timedelta(days=1)
# A plan's dates lie within these many years of today: wide enough for any course of treatment
# and its history, narrow enough that every date worked out from them (each treatment day, the
# day after the end) exists, and that walking a phase day by day stays short.
YEARS_BACK = 20
YEARS_AHEAD = 5

NOT_STARTED = "not-started"
IN_PROGRESS = "in-progress"
COMPLETED = "completed"


class ParameterError(ValueError):
    """A parameter value the template does not allow; ``field`` names the parameter."""

    def __init__(self, field_name: str, message: str):
        self.field = field_name
        self.message = message
        super().__init__(f"{field_name}: {message}")


@dataclass(frozen=True)
class DatedPhase:
    key: str
    title: str
    purpose: str
    library: str
    side_effects: tuple[str, ...]
    kind: str  # span | day | weekdays | cycles
    start: dt.date
    end: dt.date
    position: int
    alongside: bool = False
    every_days: int | None = None
    sessions: tuple[dt.date, ...] = field(default=())

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def date_window(today: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last date a plan or phase may have, seen from ``today``."""
    return today.replace(year=today.year - YEARS_BACK, day=min(today.day, 28)), \
        today.replace(year=today.year + YEARS_AHEAD, day=min(today.day, 28))


def date_problem(label: str, day: dt.date, today: dt.date) -> str | None:
    """Why ``day`` cannot be a plan date (a sentence naming ``label``), or None."""
    first, last = date_window(today)
    if first <= day <= last:
        return None
    return f"Enter the {label.lower()} between {first.isoformat()} and {last.isoformat()}."


def resolve_parameters(template: PlanTemplate, given: Mapping[str, object] | None = None) -> dict:
    """The template's parameters with defaults filled in, each checked; unknown keys refused."""
    given = dict(given or {})
    unknown = sorted(set(given) - {p.key for p in template.parameters})
    if unknown:
        raise ParameterError(unknown[0], "is not a setting of this plan")
    values = {}
    for param in template.parameters:
        value = given.get(param.key, param.default)
        if param.kind == "integer":
            if isinstance(value, bool) or not isinstance(value, int):
                try:
                    value = int(str(value).strip())
                except ValueError:
                    raise ParameterError(param.key, f"{param.label}: enter a whole number") from None
            if not param.minimum <= value <= param.maximum:
                raise ParameterError(param.key,
                                     f"{param.label}: enter a number from {param.minimum} to {param.maximum}")
        elif value not in {c.value for c in param.choices}:
            raise ParameterError(param.key, f"{param.label}: choose one of the options")
        values[param.key] = value
    return values


def weekday_sessions(first: dt.date, count: int) -> list[dt.date]:
    """``count`` weekdays (Monday to Friday) from ``first`` on (``first`` itself if a weekday)."""
    out, day = [], first
    while len(out) < count:
        if day.weekday() < 5:
            out.append(day)
        day += DAY
    return out


def cycle_days(start: dt.date, every_days: int, count: int) -> list[dt.date]:
    return [start + dt.timedelta(days=every_days * n) for n in range(count)]


def sessions_between(kind: str, start: dt.date, end: dt.date, every_days: int | None = None) -> list[dt.date]:
    """Treatment days after a clinician moved a phase's dates: every weekday between them for
    radiation, a cycle day every ``every_days`` from the start for cycles, none otherwise."""
    if kind == "weekdays":
        return [d for d in _each_day(start, end) if d.weekday() < 5]
    if kind == "cycles" and every_days:
        return [d for d in _each_day(start, end) if (d - start).days % every_days == 0]
    return []


def _each_day(start: dt.date, end: dt.date):
    day = start
    while day <= end:
        yield day
        day += DAY


def _amount(value, params: Mapping) -> int:
    return int(params[value.param]) if isinstance(value, ParamRef) else int(value)


def _included(spec, params: Mapping) -> bool:
    return spec.when is None or params.get(spec.when.param) in spec.when.values


def expand(template: PlanTemplate, start: dt.date, parameters: Mapping | None = None) -> list[DatedPhase]:
    """The template's phases with dates, in date order (a phase alongside others after the
    phase it starts with)."""
    params = resolve_parameters(template, parameters)
    dated: dict[str, DatedPhase] = {}
    cursor = start
    for position, spec in enumerate(template.phases):
        schedule = spec.schedule
        if schedule is None or not _included(spec, params):
            continue
        common = {"key": spec.key, "title": spec.title, "purpose": spec.purpose, "library": spec.library,
                  "side_effects": tuple(spec.side_effects), "position": position}
        if isinstance(schedule, Span):
            if schedule.days is not None:
                length = _amount(schedule.days, params)
            else:
                length = 7 * _amount(schedule.weeks, params)
            phase = DatedPhase(kind="span", start=cursor, end=cursor + (length - 1) * DAY, **common)
        elif isinstance(schedule, Day):
            phase = DatedPhase(kind="day", start=cursor, end=cursor, **common)
        elif isinstance(schedule, Weekdays):
            sessions = weekday_sessions(cursor, 5 * _amount(schedule.weeks, params))
            phase = DatedPhase(kind="weekdays", start=sessions[0], end=sessions[-1], sessions=tuple(sessions), **common)
        elif isinstance(schedule, Cycles):
            every, count = _amount(schedule.every_days, params), _amount(schedule.count, params)
            # The last cycle runs its full length: the rest after a treatment day is part of it.
            end = cursor + (every * count - 1) * DAY
            phase = DatedPhase(kind="cycles", start=cursor, end=end, every_days=every,
                               sessions=tuple(cycle_days(cursor, every, count)), **common)
        elif isinstance(schedule, Until):
            anchor = dated.get(schedule.phase)
            end = anchor.start + schedule.day * DAY if anchor else cursor
            phase = DatedPhase(kind="span", start=cursor, end=max(end, cursor), **common)
        else:  # pragma: no cover - the schema allows no other kind
            raise TypeError(schedule)
        dated[spec.key] = phase
        cursor = phase.end + DAY
    for position, spec in enumerate(template.phases):
        if spec.schedule is not None or not _included(spec, params):
            continue
        spanned = [dated[k] for k in spec.alongside if k in dated]
        if not spanned:
            continue
        dated[spec.key] = DatedPhase(
            key=spec.key, title=spec.title, purpose=spec.purpose, library=spec.library,
            side_effects=tuple(spec.side_effects), kind="span", position=position, alongside=True,
            start=min(p.start for p in spanned), end=max(p.end for p in spanned),
        )
    return sorted(dated.values(), key=order_key)


def order_key(phase) -> tuple:
    return (phase.start, phase.alongside, phase.position)


def status_on(start: dt.date, end: dt.date, today: dt.date) -> str:
    if today < start:
        return NOT_STARTED
    if today > end:
        return COMPLETED
    return IN_PROGRESS


def session_number(sessions, today: dt.date) -> int | None:
    """Which treatment day today is (1-based), or None if today is not one."""
    for n, day in enumerate(sessions, start=1):
        if day == today:
            return n
    return None
