"""One movable clock for all of a service's processes: the offset is kept in its database.

In development `/dev/clock` moves the served process's clock; a worker of the same service
(notifications' dispatcher) must then remind and send on the same moved time. The offset is
stored in the service's `service_clock` row, and every process with a movable clock follows it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

import asyncpg

from tandem_service.clock import ClockOffsetOutOfRange, ServiceClock
from tandem_service.recurring import Recurring

FOLLOW_SECONDS = 1.0  # how soon a worker sees a move made through another process

_STORE = """
INSERT INTO service_clock (offset_seconds) VALUES ($1)
ON CONFLICT (only_row) DO UPDATE SET offset_seconds = excluded.offset_seconds, moved_at = now()
"""


class SharedClock(Recurring):
    """Keeps ``clock`` at the offset stored for the service, and stores the moves made here.

    The served process ``leads``: at start it stores its own offset (a restart goes back to
    ``TANDEM_CLOCK_OFFSET_DAYS``, as before). A worker follows: it takes the stored offset at
    start, then every ``every`` seconds.
    """

    transient = (*Recurring.transient, ClockOffsetOutOfRange)

    def __init__(
        self, pool: asyncpg.Pool, clock: ServiceClock, *, leads: bool, every: float = FOLLOW_SECONDS
    ) -> None:
        super().__init__(every, "tandem.clock")
        self._pool, self.clock, self._leads = pool, clock, leads
        # A move and a reading are applied one at a time: a reading taken before a move must
        # not land after it and put the old offset back.
        self._turn = asyncio.Lock()

    async def start(self) -> None:
        """Lead or catch up now, before anything reads the clock; then follow."""
        if self._leads:
            await self.move_to(self.clock.offset)
        else:
            await self.round()
        await super().start()

    async def move_to(self, offset: timedelta) -> None:
        """Set the offset of this process's clock and of every other process of the service."""
        await self._move(lambda: offset)

    async def advance(self, by: timedelta) -> None:
        """Move the service's clock forward by ``by``, in every process."""
        await self._move(lambda: self.clock.offset + by)

    async def _move(self, offset_of: Callable[[], timedelta]) -> None:
        async with self._turn:
            offset = ServiceClock.check_offset(offset_of())
            await self._pool.execute(_STORE, offset.total_seconds())
            self.clock.move_to(offset)

    async def round(self) -> None:
        """Take the stored offset, if another process stored one."""
        async with self._turn:
            stored = await self._pool.fetchval("SELECT offset_seconds FROM service_clock")
            if stored is not None:
                self.clock.move_to(timedelta(seconds=stored))
