"""Parked events: ones that arrived before what they depend on, kept until it comes.

An event waits by time, not by runner loops: it is retried as soon as an event with the key
it awaits is applied (``WaitFor.key``, else its own record key), and otherwise rechecked
with a backoff, at most ``per_loop`` of them per runner loop. Only after ``horizon`` (hours,
by default) is it dead-lettered, and a dead letter can be replayed. Each retry has its own
savepoint: an event that fails for another reason is dead-lettered alone and the others go on.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

import asyncpg

from tandem_events.dead_letters import DeadLetters
from tandem_events.envelope import Envelope
from tandem_events.parking_retry import retry_one
from tandem_events.projection import Projection

DEFAULT_HORIZON = timedelta(hours=48)
DEFAULT_RECHECK = timedelta(minutes=1)
# With nothing parked, look again this often anyway: replay-dead-letters parks from outside.
LOOK_EVERY_SECONDS = 5.0

_PARK = """
INSERT INTO projection_parked (projection, event_id, waiting_for, waiting_key, topic,
                               record_key, headers, value, retry_at, expires_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now() + $9::interval, now() + $10::interval)
ON CONFLICT DO NOTHING
"""
_DUE = """
SELECT * FROM projection_parked
WHERE projection = $1
  AND ((waiting_key = ANY($2::text[]) AND event_id <> ALL($4::text[])) OR retry_at <= now())
ORDER BY parked_at LIMIT $3 FOR UPDATE SKIP LOCKED
"""


class ParkingLot:
    """Stores early events in the projection's database, in the batch transaction."""

    def __init__(
        self,
        projection: Projection,
        *,
        horizon: timedelta = DEFAULT_HORIZON,
        recheck: timedelta = DEFAULT_RECHECK,
        per_loop: int = 200,
    ) -> None:
        self._projection = projection
        self.horizon = horizon
        self._recheck = recheck
        self._per_loop = per_loop
        self._maybe_parked = True  # unknown at start: look once
        self._looked_at = 0.0
        self._arrived: set[str] = set()
        # Event ids already retried for the arrivals still being worked through: more than
        # one loop's bound may wait for what arrived, and each is tried once for it.
        self._tried: set[str] = set()
        self.parked_now: set[str] = set()  # event ids parked by the batch in progress

    async def park(
        self,
        conn: asyncpg.Connection,
        record: Any,
        envelope: Envelope,
        waiting_for: str,
        waiting_key: str | None,
    ) -> None:
        """Keep ``record`` until what it waits for (``waiting_key``) has been applied."""
        await conn.execute(
            _PARK,
            self._projection.name,
            envelope.id,
            waiting_for,
            waiting_key,
            record.topic,
            envelope.key,
            [[k, v.decode()] for k, v in record.headers],
            record.value,
            self._recheck,
            self.horizon,
        )
        self._maybe_parked = True
        self.parked_now.add(envelope.id)

    def applied(self, keys: Iterable[str]) -> None:
        """Note the record keys of applied events: what waits for them is retried next."""
        self._arrived.update(keys)

    async def retry(self, pool: asyncpg.Pool, dead: DeadLetters) -> None:
        """Retry the parked events that are due or whose awaited key arrived, oldest first."""
        if not self._maybe_parked and time.monotonic() - self._looked_at < LOOK_EVERY_SECONDS:
            self._arrived.clear()
            return
        self._looked_at = time.monotonic()
        arrived, self._arrived = self._arrived, set()
        async with pool.acquire() as conn:
            try:
                async with conn.transaction():
                    rows = await conn.fetch(
                        _DUE,
                        self._projection.name,
                        list(arrived),
                        self._per_loop,
                        list(self._tried),
                    )
                    for row in rows:
                        await retry_one(
                            conn, row, dead, self._projection, self._recheck, self._arrived
                        )
            except BaseException:
                self._arrived |= arrived  # rolled back: those arrivals still count next time
                raise
            if len(rows) == self._per_loop:  # maybe more wait for these arrivals: next loop
                self._arrived |= arrived
                self._tried.update(row["event_id"] for row in rows)
            else:
                self._tried.clear()
            self._maybe_parked = len(rows) == self._per_loop or bool(
                await conn.fetchval(
                    "SELECT EXISTS (SELECT 1 FROM projection_parked WHERE projection = $1)",
                    self._projection.name,
                )
            )
        await dead.send_committed(pool)
