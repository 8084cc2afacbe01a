"""The health-review sweeper: a component that fires due reviews on the service's clock."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from datetime import datetime

import asyncpg

from tandem_engagement.handlers.health_sweep import HealthReviews
from tandem_events.timers import run_sweeps


class ReviewSweeper:
    """Runs health reviews every interval until stopped; safe beside other instances."""

    def __init__(
        self, pool: asyncpg.Pool, source: str, clock: Callable[[], datetime], interval: float
    ) -> None:
        self._sweep = HealthReviews(source).sweep(pool)
        self._clock = clock
        self._interval = interval
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start sweeping in the background."""
        self._stop.clear()
        self._task = asyncio.create_task(
            run_sweeps([self._sweep], self._clock, self._stop, interval=self._interval)
        )

    async def stop(self) -> None:
        """Finish the current batch and stop (an unfinished batch stays due)."""
        self._stop.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
