"""Program announcements: weekly digests for the admin while the program runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tandem_events.catalog.matching import ProgramLaunched
from tandem_notifications.domain.horizon import Recurrence, Series
from tandem_notifications.domain.kinds import Channel, Kind
from tandem_notifications.domain.planning.keys import digests_key
from tandem_notifications.domain.planning.plan import Plan

DIGEST_EVERY_DAYS = 7
DIGESTS_AHEAD = 12  # the horizon: twelve weekly digests


def on_program_closed(program_id: str) -> Plan:
    """A closed program sends no more digests."""
    return Plan(cancel=(f"program:{program_id}",), stop_series=(digests_key(program_id),))


def on_program_launched(event: ProgramLaunched, cause: str) -> Plan:
    """Weekly digests (counts and health only) for the admin who launched the program."""
    digests = Series(
        digests_key(event.program_id),
        cause,
        "week",
        Kind.DIGEST,
        event.actor_id,
        _every(event.occurred_at, DIGEST_EVERY_DAYS),
        DIGESTS_AHEAD,
        channels=(Channel.EMAIL,),
        tags=(f"program:{event.program_id}",),
        program_id=event.program_id,
        data={"program_id": event.program_id},
    )
    return Plan(series=(digests,))


def _every(start: datetime, days: int) -> Recurrence:
    """Every ``days`` days after ``start``, at its UTC time of day."""
    utc = start.astimezone(UTC)
    return Recurrence(utc.date() + timedelta(days=days), utc.time(), "UTC", days)
