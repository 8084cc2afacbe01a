"""What every command handler shares: the pool, the store, the clock, one transaction."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import ParamSpec, TypeVar

import asyncpg

from tandem_events.catalog.base import DomainEvent
from tandem_events.store import AppendResult, EventStore

P = ParamSpec("P")
T = TypeVar("T")


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class CommandContext:
    """The handlers' handle on the write side."""

    pool: asyncpg.Pool
    store: EventStore
    clock: Callable[[], datetime] = field(default=_utc_now)

    def now(self) -> datetime:
        """The time recorded on new events."""
        return self.clock()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[asyncpg.Connection]:
        """A connection inside a transaction: the appends and the table writes commit together."""
        async with self.pool.acquire() as conn, conn.transaction():
            yield conn

    async def earlier(self, key: str | None) -> AppendResult | None:
        """The result of the command already run with ``key``, if any (a client's retry)."""
        if key is None:
            return None
        async with self.pool.acquire() as conn:
            row = await conn.fetchrow(
                "SELECT stream_id, version FROM command_idempotency WHERE idempotency_key = $1", key
            )
        return AppendResult(row["stream_id"], row["version"], replayed=True) if row else None

    async def append(
        self,
        conn: asyncpg.Connection,
        stream: str,
        version: int,
        events: list[DomainEvent],
        key: str | None,
        *,
        primary: bool = False,
    ) -> AppendResult:
        """Append in ``conn``'s transaction; secondary streams get a key derived per stream."""
        stream_key = key if primary or key is None else f"{key}/{stream}"
        return await self.store.append(
            stream, version, events, idempotency_key=stream_key, conn=conn
        )


def retried(handler: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
    """Run a handler again (from its loads) when a racing twin aborted its transaction.

    The store's append reads its idempotency record after a unique violation; inside our own
    transaction that read fails, so the whole command is retried and then sees the record.
    """

    @functools.wraps(handler)
    async def run(*args: P.args, **kwargs: P.kwargs) -> T:
        for _ in range(2):
            try:
                return await handler(*args, **kwargs)
            except (asyncpg.InFailedSQLTransactionError, asyncpg.UniqueViolationError):
                continue
        return await handler(*args, **kwargs)

    return run
