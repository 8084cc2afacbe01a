"""Keep dispatching in the background, and stop without losing a batch's outcomes."""

from __future__ import annotations

import asyncio
import contextlib

from tandem_notifications.handlers.dispatch import Dispatcher
from tandem_service.logging import get_logger

log = get_logger("tandem.notifications.dispatch")


class DispatchLoop:
    """Runs the dispatcher until stopped (a service component)."""

    def __init__(
        self, dispatcher: Dispatcher, idle_seconds: float = 1.0, grace_seconds: float = 20.0
    ) -> None:
        self._dispatcher = dispatcher
        self._idle = idle_seconds
        # Below Kubernetes' default 30 s termination grace: the batch settles before SIGKILL.
        self._grace = grace_seconds
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Begin delivering in the background."""
        self._stopping = asyncio.Event()
        self._task = asyncio.create_task(self._run(), name="notifications-dispatch")

    async def stop(self) -> None:
        """Let the batch in flight finish and record its outcomes, then stop.

        Cancelling mid-batch would leave mail the server already accepted unsettled, and it
        would be sent again when its lease ends. Only past the grace period is it cancelled.
        """
        if self._task is None:
            return
        self._stopping.set()
        try:
            await asyncio.wait_for(asyncio.shield(self._task), self._grace)
        except TimeoutError:
            log.warning("dispatch batch cancelled after the grace period", grace=self._grace)
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                handled = await self._dispatcher.run_once()
            except Exception:  # keep delivering: claimed rows come back when their leases end
                log.exception("dispatch batch failed")
                handled = 0
            if handled == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), self._idle)
