"""Recurring notifications planned a horizon ahead, the horizon rolling forward with time.

A series (a member's meeting reminders, monthly pulses, an owner's weekly digests) is planned
``ahead`` occurrences at a time; when its earliest planned occurrence comes due, the series is
looked at again and planned on, so there are always ``ahead`` occurrences still to come. The
occurrences keep their wall-clock time in the recipient's time zone: a 10:00 reminder stays at
10:00 across a daylight-saving change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from tandem_notifications.domain.kinds import Channel, Kind
from tandem_notifications.domain.planned import PERSONAL, Planned


@dataclass(frozen=True)
class Recurrence:
    """Occurrence n falls ``step_days * n`` days after ``first``, at ``at`` local time,
    announced ``lead_days`` earlier at the same local time."""

    first: date
    at: time
    zone: str
    step_days: int
    lead_days: int = 0

    def occurs_on(self, n: int) -> date:
        """The local date of occurrence ``n`` (from 0)."""
        return self.first + timedelta(days=self.step_days * n)

    def due(self, n: int) -> datetime:
        """When occurrence ``n``'s notification is due (UTC); a wall time in a DST gap moves on."""
        day = self.occurs_on(n) - timedelta(days=self.lead_days)
        return datetime.combine(day, self.at, tzinfo=ZoneInfo(self.zone)).astimezone(UTC)


@dataclass(frozen=True)
class Series:
    """One recipient's recurring notification and how far it is planned."""

    key: str
    cause: str
    label: str
    kind: Kind
    recipient_id: str
    recurrence: Recurrence
    ahead: int
    planned: int = 0
    channels: tuple[Channel, ...] = PERSONAL
    tags: tuple[str, ...] = ()
    program_id: str | None = None
    pair_id: str | None = None
    data: Mapping[str, object] = field(default_factory=dict)
    date_key: str = "occurs_on"

    def occurrence(self, n: int) -> Planned:
        """Occurrence ``n`` as a planned notification (its cause names the occurrence)."""
        extra = {self.date_key: self.recurrence.occurs_on(n).isoformat(), "occurrence": n + 1}
        return Planned(
            f"{self.cause}#{self.label}{n + 1}",
            self.recipient_id,
            self.kind,
            self.recurrence.due(n),
            self.channels,
            self.tags,
            self.program_id,
            self.pair_id,
            {**self.data, **extra},
        )


@dataclass(frozen=True)
class Extended:
    """The series planned on, what to schedule, and when to look again."""

    series: Series
    planned: tuple[Planned, ...]
    look_again: datetime


def extend(series: Series, now: datetime) -> Extended:
    """Plan the series until ``ahead`` occurrences lie after ``now`` (past ones are skipped)."""
    upcoming = 0
    while series.recurrence.due(upcoming) <= now:
        upcoming += 1
    until = max(series.planned, upcoming + series.ahead)
    start = max(series.planned, upcoming)
    planned = tuple(series.occurrence(n) for n in range(start, until))
    return Extended(replace(series, planned=until), planned, series.recurrence.due(upcoming))
