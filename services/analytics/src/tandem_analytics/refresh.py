"""The stored analyst views, kept fresh: recomputed on a timer when the projections moved.

Refreshing after every projection batch would spend the catch-up's time recomputing a
year of figures thousands of times; a timer bounds both the cost and the staleness
(``view_refresh_seconds``, documented for analysts in docs/analytics.md).
"""

from __future__ import annotations

import asyncio
import contextlib

import asyncpg

from tandem_analytics.projections.views import OFFSETS, refresh_views, refreshed_offsets
from tandem_service.logging import get_logger

log = get_logger("tandem.analytics.refresh")


class ViewRefresh:
    """Recomputes the stored views every ``interval`` seconds if new events were projected."""

    def __init__(self, pool: asyncpg.Pool, interval: float) -> None:
        self._pool = pool
        self._interval = interval
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start refreshing in the background."""
        self._stop.clear()
        self._task = asyncio.create_task(self._run(), name="analytics-view-refresh")

    async def stop(self) -> None:
        """Let a refresh in flight finish (it is one transaction per view) and stop."""
        self._stop.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def refresh_if_moved(self) -> bool:
        """Refresh when the projections moved since the last refresh; whether it did."""
        async with self._pool.acquire() as conn:
            if await conn.fetchval(OFFSETS) == await refreshed_offsets(conn):
                return False
            await refresh_views(conn)
            return True

    async def _run(self) -> None:
        while not self._stop.is_set():
            try:
                await self.refresh_if_moved()
            except Exception:
                log.exception("refreshing the analyst views failed; retrying next interval")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=self._interval)
