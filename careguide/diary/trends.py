"""Trends: each symptom's level day by day, for the charts, the tables, the CSV and the PDF.

``Series`` is what the diary says about one symptom over a date range; ``TrendChart`` is the
geometry of its inline SVG (the same style as the back-pain progress chart: 0 at the bottom,
worse is higher, every number also in the table below the chart).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from . import proctcae, wording

RANGES = {"30": 30, "90": 90, "all": None}
RANGE_LABELS = {"30": "Last 30 days", "90": "Last 90 days", "all": "All entries"}
DEFAULT_RANGE = "30"


def date_range(choice: str, today: date, first_entry: date | None) -> tuple[date, date]:
    days = RANGES.get(choice, RANGES[DEFAULT_RANGE])
    if days is None:
        return (min(first_entry, today) if first_entry else today), today
    return today - timedelta(days=days - 1), today


@dataclass(frozen=True)
class Point:
    date: date
    frequency: int | None
    severity: int | None
    interference: int | None
    present: bool | None
    grade: int | None
    disposition: str
    word: str = ""  # the level in words: none/mild/moderate/severe, or no/yes

    @property
    def value(self) -> int:
        """What the chart plots: the composite grade, or 0/1 for a yes/no symptom."""
        if self.grade is not None:
            return self.grade
        return 1 if self.present else 0


@dataclass
class Series:
    term: str
    points: list[Point] = field(default_factory=list)

    @property
    def label(self) -> str:
        return wording.label(self.term)

    @property
    def gradable(self) -> bool:
        return proctcae.term(self.term).gradable

    @property
    def attributes(self) -> tuple[str, ...]:
        return proctcae.term(self.term).attributes

    @property
    def levels(self) -> tuple[str, ...]:
        return wording.LEVEL_WORDS if self.gradable else ("No", "Yes")

    def word(self, value: int) -> str:
        return self.levels[value]

    @property
    def latest(self) -> Point | None:
        return self.points[-1] if self.points else None

    @property
    def worst(self) -> Point | None:
        """The highest level; the most recent day with it."""
        if not self.points:
            return None
        top = max(p.value for p in self.points)
        return [p for p in self.points if p.value == top][-1]


def build_series(terms: list[str], rows) -> list[Series]:
    """``rows``: (date, term, frequency, severity, interference, present, grade, disposition)
    tuples in date order. Tracked ``terms`` come first (even with no entries), then any other
    term that has entries, in alphabetical order."""
    by_term: dict[str, Series] = {t: Series(t) for t in terms}
    for day, term, frq, sev, itf, present, grade, disposition in rows:
        series = by_term.setdefault(term, Series(term))
        value = grade if grade is not None else int(bool(present))
        series.points.append(Point(day, frq, sev, itf, present, grade, disposition, series.word(value)))
    extra = sorted(t for t in by_term if t not in terms)
    return [by_term[t] for t in [*terms, *extra]]


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    point: Point


class TrendChart:
    """Geometry for one symptom's SVG: the date range across, the level (0-3 or no/yes) up."""

    WIDTH, HEIGHT = 640, 260
    LEFT, RIGHT, TOP, BOTTOM = 104, 24, 20, 64

    def __init__(self, series: Series, start: date, end: date):
        self.series = series
        self.start, self.end = start, end
        self.plot_w = self.WIDTH - self.LEFT - self.RIGHT
        self.plot_h = self.HEIGHT - self.TOP - self.BOTTOM
        self.axis_y = self.TOP + self.plot_h
        self.axis_x_end = self.WIDTH - self.RIGHT
        self.top_value = len(series.levels) - 1
        self.slug = "".join(c if c.isalnum() else "-" for c in series.term.lower())

    def x(self, day: date) -> float:
        span = (self.end - self.start).days
        if span <= 0:
            return round(self.LEFT + self.plot_w / 2, 1)
        return round(self.LEFT + self.plot_w * (day - self.start).days / span, 1)

    def y(self, value: int) -> float:
        return round(self.TOP + self.plot_h * (self.top_value - value) / self.top_value, 1)

    @property
    def dots(self) -> list[Dot]:
        return [Dot(self.x(p.date), self.y(p.value), p) for p in self.series.points]

    @property
    def line(self) -> str:
        return " ".join(f"{d.x},{d.y}" for d in self.dots)

    @property
    def y_ticks(self) -> list[tuple[str, float]]:
        return [(self.series.word(v), self.y(v)) for v in range(self.top_value + 1)]

    @property
    def x_ticks(self) -> list[tuple[str, float]]:
        span = (self.end - self.start).days
        if span <= 0:
            return [(_short(self.start), self.x(self.start))]
        steps = min(4, span)
        days = sorted({self.start + timedelta(days=round(span * i / steps)) for i in range(steps + 1)})
        return [(_short(d), self.x(d)) for d in days]

    @property
    def title(self) -> str:
        return f"Chart: {self.series.label}, day by day"

    @property
    def description(self) -> str:
        """The chart in words, for the SVG's <desc> (the table below has every number)."""
        s = self.series
        period = f"from {_long(self.start)} to {_long(self.end)}"
        if not s.points:
            return f"No diary entries {period}."
        latest, worst = s.latest, s.worst
        count = len(s.points)
        text = f"{count} diary {'entry' if count == 1 else 'entries'} {period}. "
        text += f"Latest, on {_long(latest.date)}: {s.word(latest.value).lower()}. "
        text += f"Worst: {s.word(worst.value).lower()}, on {_long(worst.date)}."
        return text


def _short(day: date) -> str:
    return f"{day:%b} {day.day}"


def _long(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def sparkline(values: list[int], top: int) -> list[tuple[float, float]]:
    """Points in a unit box (0-1 across, 0-1 up) for the PDF's small trend."""
    if not values:
        return []
    if len(values) == 1:
        return [(0.5, values[0] / top)]
    return [(i / (len(values) - 1), v / top) for i, v in enumerate(values)]
