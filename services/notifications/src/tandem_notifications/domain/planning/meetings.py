"""Meeting reminders: a rolling series per member once a pair agrees its cadence."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import time, timedelta
from zoneinfo import ZoneInfo

from tandem_events.catalog.engagement import CadenceAgreed
from tandem_notifications.domain.horizon import Recurrence, Series
from tandem_notifications.domain.kinds import Kind
from tandem_notifications.domain.planning.keys import meetings_key, member_tag, pair_tag
from tandem_notifications.domain.planning.plan import Plan, sequence

MEETINGS_AHEAD = 6  # the horizon: six meetings (digests keep twelve weeks, see announcements)
REMIND_DAYS_BEFORE = 1
# The clock time each agreed time of day means, in each member's own time zone.
MEETING_TIMES = {
    "morning": time(10, 0),
    "midday": time(12, 30),
    "afternoon": time(15, 0),
    "evening": time(18, 0),
    "any": time(10, 0),
}
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def on_cadence_agreed(
    event: CadenceAgreed, cause: str, program_id: str | None, zones: Mapping[str, str]
) -> Plan:
    """Stop the prompt and older reminders; remind each member a day before each meeting, at
    the agreed weekday and time of day in their own time zone (``zones``; UTC when unknown)."""
    step = event.every_days
    if event.weekday is not None:
        step = max(1, round(event.every_days / 7)) * 7  # whole weeks keep the weekday
    at = MEETING_TIMES[event.time_of_day or "any"]
    series = []
    for member in event.agreed_by:
        zone = zones.get(member) or "UTC"
        first = event.occurred_at.astimezone(ZoneInfo(zone)).date() + timedelta(
            days=event.every_days
        )
        if event.weekday is not None:
            first += timedelta(days=(WEEKDAYS.index(event.weekday) - first.weekday()) % 7)
        meeting = {
            "pair_id": event.pair_id,
            "program_id": program_id,
            "every_days": step,
            "meeting_minutes": event.meeting_minutes,
            "first_meeting": first.isoformat(),
            "start_time": at.isoformat(timespec="minutes"),
            "timezone": zone,
            "members": list(event.agreed_by),
            "sequence": sequence(event.occurred_at),
        }
        tags: tuple[str, ...] = (pair_tag(event.pair_id), f"meetings:{event.pair_id}")
        if program_id:
            tags = (*tags, member_tag(program_id, member))
        series.append(
            Series(
                meetings_key(event.pair_id, member),
                cause,
                "",
                Kind.MEETING_REMINDER,
                member,
                Recurrence(first, at, zone, step, REMIND_DAYS_BEFORE),
                MEETINGS_AHEAD,
                tags=tags,
                program_id=program_id,
                pair_id=event.pair_id,
                data=meeting,
                date_key="meeting_on",
            )
        )
    cancel = (f"cadence-prompt:{event.pair_id}", f"meetings:{event.pair_id}")
    return Plan(cancel=cancel, series=tuple(series))
