"""The stored analyst views, kept fresh: recomputed on a timer when the projections moved.

Refreshing after every projection batch would spend the catch-up's time recomputing a
year of figures thousands of times. The pause between refreshes is at least
``view_refresh_seconds`` and at least ``IDLE_SHARE`` times the last refresh's duration, so
refreshing takes at most a tenth of the time: a small program's figures follow within
seconds, a year of a large organisation's (a 30 s refresh) within about 5 minutes
(documented for analysts in docs/analytics.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import zlib

import asyncpg

from tandem_analytics.projections.views import OFFSETS, refresh_views, refreshed_offsets
from tandem_service.logging import get_logger

log = get_logger("tandem.analytics.refresh")
# Pause after a refresh, in multiples of its duration: refreshing stays under 10 % of the time.
IDLE_SHARE = 9.0
REFRESH_LOCK = zlib.crc32(b"tandem-analytics:view-refresh")  # an advisory lock's key


class ViewRefresh:
    """Recomputes the stored views when new events were projected, pausing between runs."""

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
        """Refresh when the projections moved since the last refresh; whether it did.

        Every replica runs this timer; one refresh at a time is enough, so a replica that
        finds another refreshing skips its turn (the views are shared, not per replica).
        """
        async with self._pool.acquire() as conn:
            if not await conn.fetchval("SELECT pg_try_advisory_lock($1)", REFRESH_LOCK):
                return False
            try:
                if await conn.fetchval(OFFSETS) == await refreshed_offsets(conn):
                    return False
                await refresh_views(conn)
                return True
            finally:
                # Pooled connections are not reset on release (ADR 0031): unlock here.
                await conn.execute("SELECT pg_advisory_unlock($1)", REFRESH_LOCK)

    async def _run(self) -> None:
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                await self.refresh_if_moved()
            except Exception:
                log.exception("refreshing the analyst views failed; retrying next interval")
            pause = pause_after(time.monotonic() - started, self._interval)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=pause)


def pause_after(took: float, interval: float) -> float:
    """Seconds to wait after a refresh that took ``took`` seconds: refreshing stays <= 10 %."""
    return max(interval, IDLE_SHARE * took)
