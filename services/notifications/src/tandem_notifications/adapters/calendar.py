"""iCalendar invitations for a pair's recurring meeting: a REQUEST, or a CANCEL of the series."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//Tandem//notifications//EN"


@dataclass(frozen=True)
class Series:
    """A pair's meeting series as the invitation describes it."""

    pair_id: str
    first_meeting: date
    every_days: int
    meeting_minutes: int
    sequence: int
    timezone: str = "UTC"
    start: time = time(10, 0)


def series_uid(pair_id: str, domain: str) -> str:
    """One UID per pair, so every update or cancel replaces the same calendar entry."""
    return f"tandem-cadence-{pair_id}@{domain}"


def invitation(
    series: Series, organizer: str, attendee: str, summary: str, domain: str, *, cancel: bool
) -> bytes:
    """The .ics body: METHOD:REQUEST with a daily RRULE, or METHOD:CANCEL of the same UID."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancel else "REQUEST")
    event = Event()
    event.add("uid", series_uid(series.pair_id, domain))
    event.add("sequence", series.sequence)
    event.add("summary", summary)
    begins = datetime.combine(series.first_meeting, series.start, tzinfo=ZoneInfo(series.timezone))
    event.add("dtstart", begins)
    event.add("dtend", begins + timedelta(minutes=series.meeting_minutes))
    event.add("dtstamp", begins)
    event.add("rrule", {"freq": "daily", "interval": series.every_days})
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    org = vCalAddress(f"mailto:{organizer}")
    org.params["cn"] = vText("Tandem")
    event["organizer"] = org
    who = vCalAddress(f"mailto:{attendee}")
    who.params["role"] = vText("REQ-PARTICIPANT")
    event.add("attendee", who, encode=False)
    cal.add_component(event)
    cal.add_missing_timezones()
    return bytes(cal.to_ical())
