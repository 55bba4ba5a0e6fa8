"""When the six-week program's check-ins open: by the calendar. Pure Python, no Django.

- Week 1 opens on the day the person starts.
- A week's check-in opens 7 days after that week opened (in the site's local dates, so "opens
  on Monday" holds all of Monday), and the check-in opens the next week at once. A person who
  checks in on time has week N open N-1 weeks after they started; nobody gets two weeks in
  one sitting, and someone who comes back late is not rushed through the weeks they missed.
- Days the program was paused while a week was open are added to that week: a week paused for
  3 days opens its check-in 3 days later. A pause never closes a week that was open.

The dates come from the enrollment's status rows (started, week completed, paused, resumed);
``careguide.backpain.models.Enrollment.schedule`` reads them. See docs/adr/0025.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

WEEK_DAYS = 7

STARTED, WEEK_COMPLETED, PAUSED, RESUMED = "started", "week_completed", "paused", "resumed"


@dataclass(frozen=True)
class Schedule:
    """Where the current week stands on ``today``."""

    week_opened: dt.date
    check_in_opens: dt.date  # while paused: the earliest it could open, if resumed today
    paused: bool

    def check_in_open(self, today: dt.date) -> bool:
        return not self.paused and today >= self.check_in_opens


def paused_days(pauses: Iterable[tuple[dt.date, dt.date | None]], since: dt.date, today: dt.date) -> int:
    """Whole days paused from ``since`` on; a pause still running counts up to ``today``."""
    total = 0
    for start, end in pauses:
        start, end = max(start, since), end or today
        if end > start:
            total += (end - start).days
    return total


def schedule(events: Iterable[tuple[str, dt.date]], today: dt.date) -> Schedule:
    """The current week's schedule from the status rows, oldest first: (kind, local date)."""
    week_opened = None
    pauses: list[tuple[dt.date, dt.date | None]] = []
    for kind, day in events:
        if kind in (STARTED, WEEK_COMPLETED):
            week_opened = day
        elif kind == PAUSED:
            pauses.append((day, None))
        elif kind == RESUMED and pauses and pauses[-1][1] is None:
            pauses[-1] = (pauses[-1][0], day)
    if week_opened is None:
        raise ValueError("a program's status rows start with 'started'")
    paused = bool(pauses) and pauses[-1][1] is None
    opens = week_opened + dt.timedelta(days=WEEK_DAYS + paused_days(pauses, week_opened, today))
    return Schedule(week_opened=week_opened, check_in_opens=opens, paused=paused)
