"""An appointment as an iCalendar file (.ics) the patient adds to their own calendar.

The file leaves our hands (phones sync calendars to other companies' servers), so it says
only when and where: no diagnosis, no reason for the referral, no clinician's notes.
"""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar, Event

SUMMARY = "Cancer Care appointment"
PRODID = "-//Cancer Care Guide//Appointments//EN"


def appointment_ics(*, uid: str, start: datetime, end: datetime, location: str, stamp: datetime,
                    description: str = "", cancelled: bool = False) -> bytes:
    """One VEVENT in UTC. ``uid`` stays the same for the appointment, so a re-download (e.g.
    after a cancellation) updates the event instead of adding a second one."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("dtstart", start.astimezone(UTC))
    event.add("dtend", end.astimezone(UTC))
    event.add("summary", SUMMARY)
    event.add("location", location)
    if description:
        event.add("description", description)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical()
