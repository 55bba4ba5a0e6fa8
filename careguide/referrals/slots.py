"""Slot times and the order slots are offered in: pure logic, no Django.

A clinic session says "Mondays 09:00 to 12:00, 30-minute slots" in the clinic's local time;
``session_starts`` turns that into the aware start and end of each slot on the days ahead.
Local wall-clock times are kept across daylight-saving changes (a 09:00 clinic stays at 09:00),
which is why the arithmetic happens on local dates before converting to UTC.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class SessionPattern:
    """The parts of a ClinicSession that decide its slot times."""

    weekday: int  # Monday 0 .. Sunday 6, as date.weekday()
    start_time: time
    end_time: time
    slot_minutes: int


def session_starts(pattern: SessionPattern, first_day: date, days: int, zone: ZoneInfo,
                   now: datetime) -> Iterator[tuple[datetime, datetime]]:
    """(start, end) in UTC of every whole slot of ``pattern`` on the ``days`` days from
    ``first_day``, leaving out slots that start at or before ``now`` (never offer the past).
    A slot that would run past the session's end is not made."""
    if pattern.slot_minutes <= 0:
        raise ValueError("slot_minutes must be positive")
    length = timedelta(minutes=pattern.slot_minutes)
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        if day.weekday() != pattern.weekday:
            continue
        start = datetime.combine(day, pattern.start_time)
        session_end = datetime.combine(day, pattern.end_time)
        while start + length <= session_end:
            aware_start = start.replace(tzinfo=zone).astimezone(UTC)
            aware_end = (start + length).replace(tzinfo=zone).astimezone(UTC)
            if aware_start > now:
                yield aware_start, aware_end
            start += length


@dataclass(frozen=True)
class DayGroup:
    """Slots of one local day, with the heading to show above them."""

    day: date
    heading: str
    slots: list[Any]


def day_heading(day: date, today: date) -> str:
    if day == today:
        return "Today"
    if day == today + timedelta(days=1):
        return f"Tomorrow, {day:%A %B} {day.day}"
    return f"{day:%A %B} {day.day}"


def group_for_offer(slots: Iterable[Any], *, urgent: bool, today: date, zone: ZoneInfo,
                    start_of=lambda slot: slot.start) -> list[DayGroup]:
    """Slots grouped by local day, in the order they are offered.

    Urgent referrals: today's slots first, under "Today" (an empty "Today" group when none is
    left, so staff see at once that the same day is full), then the following days. Routine:
    plain date order. Within a day, earliest first."""
    by_day: dict[date, list[Any]] = {}
    for slot in sorted(slots, key=start_of):
        by_day.setdefault(start_of(slot).astimezone(zone).date(), []).append(slot)
    groups = [DayGroup(day, day_heading(day, today), items) for day, items in sorted(by_day.items())]
    if urgent:
        today_group = next((g for g in groups if g.day == today), DayGroup(today, "Today", []))
        groups = [today_group] + [g for g in groups if g.day != today]
    return groups
