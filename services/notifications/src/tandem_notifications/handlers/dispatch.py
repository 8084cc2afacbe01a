"""Send what is due: claim (intent recorded), compose, send, then settle the outcomes.

A batch is claimed in one statement (attempts counted, leases taken) and committed before any
send, so a crash mid-send leaves the intent behind: after the lease the delivery is claimed
again with the same Message-ID / Idempotency-Key, which the receiver uses to drop the copy.
In-app deliveries commit with their outcome, so they are exactly once outright.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Sequence
from datetime import datetime

import asyncpg

from tandem_events.store import EventStore
from tandem_events.timers import TimerSweep
from tandem_notifications.adapters.postgres import PostgresBook
from tandem_notifications.adapters.records import Claimed
from tandem_notifications.handlers.courier import Courier
from tandem_notifications.handlers.dispatch_config import DispatchConfig
from tandem_notifications.handlers.gather import Gathered, Lookup, gather
from tandem_notifications.handlers.outcomes import Attempted, record_outcomes
from tandem_notifications.handlers.plans import announce
from tandem_notifications.handlers.senders import EmailSender, WebhookSender


class Dispatcher:
    """Delivers due notifications in batches."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        store: EventStore,
        clock: Callable[[], datetime],
        email: EmailSender,
        webhook: WebhookSender,
        lookup: Lookup | None,
        config: DispatchConfig,
        jitter: Callable[[], float] = random.random,
        sweeps: Sequence[TimerSweep] = (),
    ) -> None:
        self._pool, self._store, self._clock = pool, store, clock
        self._lookup, self._config, self._sweeps = lookup, config, sweeps
        self._courier = Courier(clock, email, webhook, config, jitter)

    async def run_once(self) -> int:
        """Plan due series on and release held notifications, announce what is newly
        scheduled, then deliver one batch of what is due; how many it settled."""
        now = self._clock()
        for sweep in self._sweeps:
            await sweep.sweep(now)
        await announce(self._pool, self._config.announce_batch, now, self._config.announce_ahead)
        async with self._pool.acquire() as conn:
            claimed = await PostgresBook(conn).claim(now, self._config.lease, self._config.batch)
        if not claimed:
            return 0
        around = await gather(self._pool, claimed, self._lookup, now, self._config.contact_ttl)
        await self._send_and_settle(claimed, around, now)
        return len(claimed)

    async def _send_and_settle(
        self, claimed: list[Claimed], around: Gathered, now: datetime
    ) -> None:
        """Send the batch, settling outcomes in waves as sends complete, not once at the end.

        A mail the server accepted but whose outcome is not yet committed is sent again after
        its lease if this process dies: settling every ``settle_every`` completions keeps that
        window to a few sends instead of the whole batch. Sends go on while a wave commits.
        """

        async def attempt(c: Claimed) -> tuple[Claimed, Attempted]:
            return c, await self._courier.attempt(c, around, now)

        # Started as tasks in the claim's order (reminders first): as_completed alone would
        # start them in the order of a set.
        started = [asyncio.ensure_future(attempt(c)) for c in claimed]
        wave: list[tuple[Claimed, Attempted]] = []
        for done in asyncio.as_completed(started):
            wave.append(await done)
            if len(wave) >= self._config.settle_every:
                await self._settle(wave)
                wave = []
        if wave:
            await self._settle(wave)

    async def _settle(self, wave: list[tuple[Claimed, Attempted]]) -> None:
        claimed, results = zip(*wave, strict=True)
        await record_outcomes(self._pool, self._store, self._clock(), claimed, results)
