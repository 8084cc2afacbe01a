"""Work a service repeats in the background every few seconds until it stops."""

from __future__ import annotations

import asyncio
import contextlib

import asyncpg

from tandem_service.logging import get_logger


class Recurring:
    """Runs :meth:`round` now, then every ``every`` seconds, until :meth:`stop`.

    A round that fails for a reason that passes (``transient``: the database away for a
    moment) is logged; the next round tries again.
    """

    transient: tuple[type[Exception], ...] = (OSError, asyncpg.PostgresError)

    def __init__(self, every: float, logger: str) -> None:
        self._every = every
        self.log = get_logger(logger)
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def round(self) -> None:
        """One round of the work."""
        raise NotImplementedError

    async def start(self) -> None:
        """Start the rounds in the background."""
        self._stop.clear()
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        """Stop after the current round."""
        self._stop.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while not self._stop.is_set():
            try:
                await self.round()
            except self.transient as exc:
                self.log.warning("background round failed", error=repr(exc))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self._every)
