"""A treatment plan as an iCalendar file (icalendar), for the patient's own calendar.

What goes in: radiation and chemotherapy phases give one all-day event per treatment day,
because those are the days a patient must come in and plan around (transport, work, help
at home). Every other phase is one all-day event spanning it, marked free (TRANSPARENT) so a
months-long phase does not block the patient's calendar.

What stays out: calendars are often synced to work accounts or shared with family, so an
event carries only the phase title and a link back to the timeline, never the purpose, the
care team's note or the plan's title (which can name the illness).

UIDs are stable: a phase's own uid, and for treatment days the uid with the day's number, so
a re-imported file updates the events rather than adding copies.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from icalendar import Calendar, Event

DAY = dt.timedelta(days=1)
DOMAIN = "careguide"


def plan_calendar(plans, timeline_url: str, *, now: dt.datetime | None = None) -> bytes:
    stamp = now or timezone.now()
    cal = Calendar()
    cal.add("prodid", "-//Cancer Care Guide//Treatment plan//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "My treatment plan")
    for plan in plans:
        for phase in plan.phases.all():
            sessions = phase.session_dates
            if sessions:
                for n, day in enumerate(sessions, start=1):
                    cal.add_component(_event(
                        f"{phase.uid}-{n}@{DOMAIN}", f"{phase.title}: treatment day {n} of {len(sessions)}",
                        day, day, timeline_url, stamp, busy=True,
                    ))
            else:
                cal.add_component(_event(f"{phase.uid}@{DOMAIN}", phase.title, phase.start_date, phase.end_date,
                                         timeline_url, stamp, busy=phase.kind == "day"))
    return cal.to_ical()


def _event(uid, summary, first: dt.date, last: dt.date, url: str, stamp, *, busy: bool) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("summary", summary)
    event.add("dtstart", first)
    event.add("dtend", last + DAY)  # all-day events end the day after (RFC 5545, exclusive)
    event.add("transp", "OPAQUE" if busy else "TRANSPARENT")
    event.add("description", f"Part of your treatment plan. See your timeline: {url}")
    event.add("url", url)
    return event
