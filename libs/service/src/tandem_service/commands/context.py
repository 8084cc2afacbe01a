"""What every command handler shares: the store, the clock, and one transaction at a time."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

import asyncpg

from tandem_service.commands.closing import Closing
from tandem_service.commands.ports import Appended, StreamStore
from tandem_service.commands.records import (
    CommandRecords,
    InMemoryCommandRecords,
    PostgresCommandRecords,
)

A = TypeVar("A")
W = TypeVar("W")


@dataclass(frozen=True)
class Transaction(Generic[W]):
    """One open transaction: appends, table writes and the command record commit together."""

    store: StreamStore
    tables: W
    records: CommandRecords
    conn: asyncpg.Connection | None = None
    # Set by the runner for a single-write command: its last statement writes the record.
    closing: Closing | None = None

    async def append(self, stream_id: str, version: int, events: Sequence[Any]) -> Appended:
        """Append to ``stream_id`` if it is still at ``version`` (else ConcurrencyError)."""
        return await self.store.append(stream_id, version, events, conn=self.conn)

    async def append_streams(self, appends: Sequence[tuple[str, int, Sequence[Any]]]) -> None:
        """Append to many streams at once, each if still at its version (else all fail)."""
        await self.store.append_streams(appends, conn=self.conn)


Begin = Callable[[], AbstractAsyncContextManager[Transaction[W]]]


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class CommandContext(Generic[W]):
    """The handlers' handle on the write side; ``W`` is the service's write-side adapter."""

    store: StreamStore
    begin: Begin[W]
    clock: Callable[[], datetime] = field(default=_utc_now)
    current: Transaction[W] | None = None
    # A pooled connection outside any transaction, for single-write commands (None: only
    # ``begin``, as in memory where nothing rolls back).
    bare: Begin[W] | None = None

    @classmethod
    def on_postgres(
        cls,
        pool: asyncpg.Pool,
        store: StreamStore,
        tables: Callable[[asyncpg.Connection], W],
        clock: Callable[[], datetime] = _utc_now,
    ) -> CommandContext[W]:
        """Transactions on ``pool``; ``tables`` opens the service's adapter on a connection."""

        @asynccontextmanager
        async def begin() -> AsyncIterator[Transaction[W]]:
            async with pool.acquire() as conn, conn.transaction():
                yield Transaction(store, tables(conn), PostgresCommandRecords(conn), conn)

        @asynccontextmanager
        async def bare() -> AsyncIterator[Transaction[W]]:
            async with pool.acquire() as conn:
                yield Transaction(store, tables(conn), PostgresCommandRecords(conn), conn)

        return cls(store, begin, clock, bare=bare)

    @classmethod
    def in_memory(
        cls, store: StreamStore, tables: W, clock: Callable[[], datetime] = _utc_now
    ) -> CommandContext[W]:
        """Everything in memory, for handler tests that need no server (no rollback)."""
        records = InMemoryCommandRecords()

        @asynccontextmanager
        async def begin() -> AsyncIterator[Transaction[W]]:
            yield Transaction(store, tables, records)

        return cls(store, begin, clock)

    def now(self) -> datetime:
        """The time recorded on new events."""
        return self.clock()

    async def load(self, stream_id: str, initial: A, apply: Callable[[A, Any], A]) -> tuple[A, int]:
        """Fold a stream into an aggregate; returns it and the stream's version.

        Inside the runner's transaction it reads on that transaction's connection: a command
        never holds one pooled connection while waiting for another.
        """
        conn = self.current.conn if self.current is not None else None
        return await self.store.load(stream_id, initial, apply, conn=conn)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction[W]]:
        """The command's transaction: the runner's when it opened one, else a new one."""
        if self.current is not None:
            yield self.current
            return
        async with self.begin() as tx:
            yield tx

    def within(self, tx: Transaction[W]) -> CommandContext[W]:
        """This context bound to an open transaction (the runner's)."""
        return replace(self, current=tx)
