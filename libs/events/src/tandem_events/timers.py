"""Due timers kept in PostgreSQL, fired at most once and never lost.

A sweep claims due timers with ``FOR UPDATE SKIP LOCKED`` and deletes them in the same
transaction that applies their effect: the effect and "this timer fired" commit together,
so a sweep killed half-way leaves its timers due (they fire on the next sweep), and
concurrent sweepers share the due timers instead of firing them twice. Timers are keyed by
``(kind, key)``: scheduling a key again reschedules it, and a key overdue for a long time
still fires once. Time is always an argument (``now``): the caller's clock decides.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import asyncpg

log = logging.getLogger(__name__)

# A failed effect is retried after this delay, doubled per attempt, capped at MAX_BACKOFF.
FIRST_BACKOFF = timedelta(seconds=30)
MAX_BACKOFF = timedelta(hours=1)

_UPSERT = """
INSERT INTO timers (kind, key, due_at, payload)
SELECT $1, t.key, t.due_at, t.payload
FROM unnest($2::text[], $3::timestamptz[], $4::jsonb[]) AS t(key, due_at, payload)
ON CONFLICT (kind, key) DO UPDATE
SET due_at = excluded.due_at, payload = excluded.payload, attempts = 0, last_error = NULL
"""

# By row address (a TID scan): "(kind, key) IN (...)" planned a sequential scan per batch.
_CLAIM = """
DELETE FROM timers WHERE ctid = ANY(ARRAY(
    SELECT ctid FROM timers
    WHERE kind = $1 AND due_at <= $2 AND ($4::text[] IS NULL OR key = ANY($4::text[]))
    ORDER BY due_at LIMIT $3 FOR UPDATE SKIP LOCKED
))
RETURNING key, due_at, payload, attempts
"""

_RESTORE_FAILED = """
INSERT INTO timers (kind, key, due_at, payload, attempts, last_error)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (kind, key) DO NOTHING
"""


@dataclass(frozen=True)
class Timer:
    """A timer that came due: what it is about and what was scheduled with it."""

    kind: str
    key: str
    due_at: datetime
    payload: dict[str, Any] = field(default_factory=dict)
    attempts: int = 0


# Applies the effect of due timers inside the sweep's transaction (the connection given).
Fire = Callable[[asyncpg.Connection, Sequence[Timer], datetime], Awaitable[None]]


async def schedule(
    conn: asyncpg.Connection,
    kind: str,
    key: str,
    due_at: datetime,
    payload: dict[str, Any] | None = None,
) -> None:
    """Make ``(kind, key)`` due at ``due_at``, replacing any timer it had."""
    await schedule_many(conn, kind, [(key, due_at, payload or {})])


async def schedule_many(
    conn: asyncpg.Connection,
    kind: str,
    timers: Sequence[tuple[str, datetime, dict[str, Any]]],
) -> None:
    """Schedule (or reschedule) many keys of one kind in one statement."""
    if not timers:
        return
    keys, due, payloads = zip(*timers, strict=True)
    await conn.execute(_UPSERT, kind, list(keys), list(due), list(payloads))


async def cancel(conn: asyncpg.Connection, kind: str, key: str) -> bool:
    """Drop ``(kind, key)``'s timer; True when there was one."""
    deleted = await conn.fetchval(
        "DELETE FROM timers WHERE kind = $1 AND key = $2 RETURNING 1", kind, key
    )
    return deleted is not None


async def due_at(conn: asyncpg.Connection, kind: str, key: str) -> datetime | None:
    """When ``(kind, key)`` is due, or None when it has no timer."""
    value: datetime | None = await conn.fetchval(
        "SELECT due_at FROM timers WHERE kind = $1 AND key = $2", kind, key
    )
    return value


class TimerSweep:
    """Fires one kind of due timer in batches, each batch in the transaction of its effect."""

    def __init__(self, pool: asyncpg.Pool, kind: str, fire: Fire, *, batch: int = 1000) -> None:
        self._pool = pool
        self._kind = kind
        self._fire = fire
        self._batch = batch

    async def sweep(self, now: datetime) -> int:
        """Fire everything due at ``now`` (catching up any backlog); returns how many fired."""
        fired = 0
        while True:
            try:
                handled = count = await self._fire_batch(now, None)
            except Exception:
                log.exception("timer batch of %s failed; firing one by one", self._kind)
                handled, count = await self._fire_singly(now)
            fired += count
            if handled < self._batch:
                return fired

    async def _fire_batch(self, now: datetime, keys: list[str] | None) -> int:
        async with self._pool.acquire() as conn, conn.transaction():
            rows = await conn.fetch(_CLAIM, self._kind, now, self._batch, keys)
            if rows:
                await self._fire(conn, [self._timer(row) for row in rows], now)
        return len(rows)

    async def _fire_singly(self, now: datetime) -> tuple[int, int]:
        # Claim the failing batch's keys again (what another sweeper took is skipped).
        async with self._pool.acquire() as conn:
            keys = await conn.fetch(
                "SELECT key FROM timers WHERE kind = $1 AND due_at <= $2 ORDER BY due_at LIMIT $3",
                self._kind,
                now,
                self._batch,
            )
        fired = 0
        for row in keys:
            try:
                fired += await self._fire_batch(now, [row["key"]])
            except Exception as exc:
                await self._back_off(row["key"], now, exc)
        return len(keys), fired

    async def _back_off(self, key: str, now: datetime, exc: Exception) -> None:
        async with self._pool.acquire() as conn, conn.transaction():
            rows = await conn.fetch(_CLAIM, self._kind, now, 1, [key])
            for row in rows:
                delay = min(FIRST_BACKOFF * 2 ** row["attempts"], MAX_BACKOFF)
                await conn.execute(
                    _RESTORE_FAILED,
                    self._kind,
                    key,
                    now + delay,
                    row["payload"],
                    row["attempts"] + 1,
                    f"{type(exc).__name__}: {exc}"[:500],
                )

    def _timer(self, row: asyncpg.Record) -> Timer:
        return Timer(self._kind, row["key"], row["due_at"], row["payload"], row["attempts"])


async def run_sweeps(
    sweeps: Sequence[TimerSweep],
    clock: Callable[[], datetime],
    stop: asyncio.Event,
    *,
    interval: float = 5.0,
) -> None:
    """Sweep every ``interval`` seconds until ``stop`` is set; errors are logged, not fatal."""
    while not stop.is_set():
        for sweep in sweeps:
            try:
                await sweep.sweep(clock())
            except Exception:
                log.exception("timer sweep failed; retrying next interval")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
