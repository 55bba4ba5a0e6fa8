"""Instants for date-sensitive tests: the site's local date and the UTC date differ for eight
hours of every day (the site runs on America/Los_Angeles, CAREGUIDE_TIME_ZONE), so a test that
compares dates runs at each of these, in winter and in summer time."""

import datetime as dt

import pytest

UTC = dt.UTC

TIMES_OF_DAY = [
    dt.datetime(2026, 1, 14, 0, 30, tzinfo=UTC),  # 16:30 the day before, Pacific standard time
    dt.datetime(2026, 1, 14, 7, 40, tzinfo=UTC),  # 23:40 the day before: the hour CI failed at
    dt.datetime(2026, 1, 14, 8, 5, tzinfo=UTC),  # 00:05 the same day
    dt.datetime(2026, 7, 14, 6, 55, tzinfo=UTC),  # 23:55 the day before, Pacific daylight time
    dt.datetime(2026, 7, 14, 7, 5, tzinfo=UTC),  # 00:05 the same day
    dt.datetime(2026, 7, 14, 23, 50, tzinfo=UTC),  # 16:50 the same day
]

at_every_time_of_day = pytest.mark.parametrize(
    "frozen_at", TIMES_OF_DAY, ids=[t.strftime("%Y%m%dT%H%MZ") for t in TIMES_OF_DAY])
