"""When the back-pain program's check-ins open (careguide/backpain/schedule.py): pure, no database.
A week's check-in opens 7 local days after the week opened, plus the days paused in it."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from careguide.backpain.schedule import WEEK_DAYS, schedule

START = dt.date(2026, 11, 23)


def day(n):
    return START + dt.timedelta(days=n)


def test_week_one_opens_its_check_in_a_week_after_starting():
    plan = schedule([("started", START)], today=START)
    assert plan.check_in_opens == day(7) and not plan.paused
    assert not plan.check_in_open(day(6)) and plan.check_in_open(day(7)) and plan.check_in_open(day(30))


def test_each_check_in_starts_the_next_week_on_its_own_day():
    # Checked in 3 days late: the next check-in is a week after that, not a week after the due date.
    plan = schedule([("started", START), ("week_completed", day(10))], today=day(10))
    assert plan.week_opened == day(10) and plan.check_in_opens == day(17)


def test_days_paused_in_the_week_are_added_and_a_running_pause_keeps_it_closed():
    events = [("started", START), ("paused", day(2)), ("resumed", day(5))]
    assert schedule(events, today=day(5)).check_in_opens == day(10)
    running = schedule([("started", START), ("paused", day(2))], today=day(20))
    assert running.paused and not running.check_in_open(day(20))
    # A pause in an earlier week does not delay this one.
    earlier = [("started", START), ("paused", day(1)), ("resumed", day(3)), ("week_completed", day(9))]
    assert schedule(earlier, today=day(9)).check_in_opens == day(16)


@given(st.lists(st.tuples(st.integers(0, 20), st.integers(0, 20)), max_size=4), st.integers(0, 120))
def test_a_check_in_never_opens_sooner_than_a_week_plus_the_days_paused(pauses, today):
    events, cursor, paused = [("started", START)], 0, 0
    for gap, length in pauses:
        cursor += gap
        events += [("paused", day(cursor)), ("resumed", day(cursor + length))]
        cursor += length
        paused += length
    plan = schedule(events, today=day(max(today, cursor)))
    assert plan.check_in_opens == day(WEEK_DAYS + paused)
    assert (plan.check_in_opens - plan.week_opened).days >= WEEK_DAYS


def test_a_program_needs_a_start():
    with pytest.raises(ValueError):
        schedule([("paused", START)], today=START)
