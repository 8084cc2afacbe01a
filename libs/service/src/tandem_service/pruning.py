"""Every service prunes its old idempotency records on a schedule (no operator cron needed)."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta

import asyncpg

from tandem_events.store import prune_idempotency
from tandem_service.logging import get_logger


class IdempotencyPruner:
    """Deletes idempotency records older than ``keep`` every ``every`` seconds.

    The age is real time (the database's ``now()``), not the service's movable clock: it is
    about clients' retry windows. Safe beside other instances: a delete twice deletes nothing.
    """

    def __init__(self, pool: asyncpg.Pool, keep: timedelta, every: float) -> None:
        self._pool, self._keep, self._every = pool, keep, every
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Prune now, then every interval, in the background."""
        self._stop.clear()
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        """Stop after the current round."""
        self._stop.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        log = get_logger("tandem.pruning")
        while not self._stop.is_set():
            try:
                deleted = await prune_idempotency(self._pool, self._keep)
                if any(deleted.values()):
                    log.info("idempotency records pruned", deleted=deleted)
            except (OSError, asyncpg.PostgresError) as exc:
                # A database away for a moment: the next round catches up.
                log.warning("idempotency pruning failed", error=repr(exc))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self._every)
