"""The service's clock: the wall clock, moved by an offset that development may change live."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

Clock = Callable[[], datetime]

# Ten years either way: far enough for any demo, near enough to catch a unit mistake.
MAX_OFFSET = timedelta(days=3650)


class ClockOffsetOutOfRange(ValueError):
    """An offset beyond ten years from the base clock."""


def wall_clock() -> datetime:
    """UTC now."""
    return datetime.now(UTC)


class ServiceClock:
    """The one clock a service reads (commands, sweeps, dispatch): ``base() + offset``."""

    def __init__(self, base: Clock = wall_clock, offset: timedelta = timedelta()) -> None:
        self._base = base
        self._offset = self.check_offset(offset)

    def __call__(self) -> datetime:
        return self._base() + self._offset

    @property
    def offset(self) -> timedelta:
        """How far this clock is from its base."""
        return self._offset

    def move_to(self, offset: timedelta) -> None:
        """Set the offset from the base clock (it may go back: a demo restarts from today)."""
        self._offset = self.check_offset(offset)

    def advance(self, by: timedelta) -> None:
        """Move the clock forward by ``by``."""
        self.move_to(self._offset + by)

    @staticmethod
    def check_offset(offset: timedelta) -> timedelta:
        """Refuse offsets beyond ten years."""
        if abs(offset) > MAX_OFFSET:
            raise ClockOffsetOutOfRange(f"a clock offset of {offset} is beyond {MAX_OFFSET}")
        return offset
