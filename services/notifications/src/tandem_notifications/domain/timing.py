"""When a person may be disturbed: their time zone, working hours, quiet hours and weekends."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tandem_notifications.domain.errors import NotificationError

SATURDAY, SUNDAY = 5, 6
_SEARCH_DAYS = 15  # two weeks covers any weekend pattern that leaves one working day


class InvalidHours(NotificationError):
    """Working or quiet hours that leave no moment to deliver."""

    status = 422


@dataclass(frozen=True)
class LocalHours:
    """A person's local rhythm; quiet hours may wrap midnight (22:00-07:00)."""

    timezone: str = "UTC"
    work_start: time = time(9, 0)
    work_end: time = time(17, 30)
    quiet_start: time | None = time(21, 0)
    quiet_end: time | None = time(8, 0)
    weekend: frozenset[int] = field(default_factory=lambda: frozenset({SATURDAY, SUNDAY}))

    def __post_init__(self) -> None:
        self.check_zone()
        self.check_window()

    def check_zone(self) -> None:
        """The time zone must be an IANA name."""
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise InvalidHours(f"unknown time zone {self.timezone!r}") from None

    def check_window(self) -> None:
        """Working hours must be a forward window on at least one working day."""
        if self.work_start >= self.work_end:
            raise InvalidHours("working hours must start before they end")
        if len(self.weekend) >= 7 or not self.weekend <= set(range(7)):
            raise InvalidHours("weekend days are 0 (Monday) to 6 and leave a working day")

    @property
    def zone(self) -> ZoneInfo:
        """The person's time zone."""
        return ZoneInfo(self.timezone)


def next_moment(due: datetime, hours: LocalHours) -> datetime:
    """The first instant at or after ``due`` inside working hours, outside quiet hours, weekdays.

    A message due at 02:00 local waits for the morning; one due on Saturday waits for Monday.
    The answer is in UTC.
    """
    zone = hours.zone
    start_day = due.astimezone(zone).date()
    for offset in range(_SEARCH_DAYS):
        day = start_day + timedelta(days=offset)
        if day.weekday() in hours.weekend:
            continue
        for begin, end in _open_intervals(day, hours):
            candidate = max(begin, due)
            if candidate < end:
                return candidate.astimezone(UTC)
    raise InvalidHours("quiet hours cover every working hour")


def _open_intervals(day: date, hours: LocalHours) -> list[tuple[datetime, datetime]]:
    """The working window of ``day`` minus its quiet stretches, as UTC instants."""
    intervals = [(hours.work_start, hours.work_end)]
    for q_start, q_end in _quiet_stretches(hours):
        intervals = [piece for i in intervals for piece in _minus(i, (q_start, q_end))]
    return [(_at(day, a, hours.zone), _at(day, b, hours.zone)) for a, b in intervals]


def _quiet_stretches(hours: LocalHours) -> list[tuple[time, time]]:
    if hours.quiet_start is None or hours.quiet_end is None:
        return []
    if hours.quiet_start < hours.quiet_end:
        return [(hours.quiet_start, hours.quiet_end)]
    return [(time.min, hours.quiet_end), (hours.quiet_start, time.max)]


def _minus(window: tuple[time, time], hole: tuple[time, time]) -> list[tuple[time, time]]:
    start, end = window
    h_start, h_end = hole
    pieces = []
    if h_start > start:
        pieces.append((start, min(end, h_start)))
    if h_end < end:
        pieces.append((max(start, h_end), end))
    return [(a, b) for a, b in pieces if a < b]


def _at(day: date, moment: time, zone: ZoneInfo) -> datetime:
    # Through UTC so that a wall time inside a DST gap lands just after it.
    return datetime.combine(day, moment, tzinfo=zone).astimezone(UTC)
