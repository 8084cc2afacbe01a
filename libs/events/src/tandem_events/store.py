"""The event store on PostgreSQL: optimistic append, stream reads, idempotent commands.

The write path (one statement per append, group commit) is in :mod:`tandem_events.store_writes`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar

import asyncpg
from opentelemetry import trace

from tandem_events.catalog.base import DomainEvent
from tandem_events.envelope import Envelope
from tandem_events.errors import ConcurrencyError
from tandem_events.store_batch import StreamAppend, append_many
from tandem_events.store_writes import GroupCommit, Pending, append_one, release_soon
from tandem_events.tracing import current_trace_headers, tracer

A = TypeVar("A")

_READ_STREAM = (
    "SELECT position, stream_id, version, event_id, event_type, source, record_key, "
    "occurred_at, topic, payload, trace FROM events "
    "WHERE stream_id = $1 AND version > $2 ORDER BY version"
)


@dataclass(frozen=True)
class AppendResult:
    """What an append did: the stream's new version, and whether it was a replay."""

    stream_id: str
    version: int
    replayed: bool = False


@dataclass(frozen=True)
class RecordedEvent:
    """An event as the store holds it."""

    position: int
    stream_id: str
    version: int
    envelope: Envelope

    def event(self) -> DomainEvent:
        """The typed (upcast) event."""
        return self.envelope.event()


class EventStore:
    """Appends to and reads streams in one service's database.

    ``group_commit`` (the default) coalesces concurrent appends into shared commits, with up
    to ``max_flushes`` commits in flight at once; ``group_commit=False`` sends each append
    on its own.
    """

    def __init__(
        self,
        pool: asyncpg.Pool,
        source: str,
        *,
        group_commit: bool = True,
        max_flushes: int = 4,
        max_batch: int = 256,
    ) -> None:
        self._pool = pool
        self._source = source
        self._group: GroupCommit | None = (
            GroupCommit(pool, source, max_flushes, max_batch) if group_commit else None
        )

    async def append(
        self,
        stream_id: str,
        expected_version: int,
        events: Sequence[DomainEvent],
        *,
        idempotency_key: str | None = None,
        conn: asyncpg.Connection | None = None,
    ) -> AppendResult:
        """Append ``events`` if the stream is still at ``expected_version``.

        Raises :class:`ConcurrencyError` otherwise. With an ``idempotency_key`` that was
        already used, nothing is appended and the earlier result is returned. Pass ``conn``
        to append inside the caller's own transaction.
        """
        if not events:
            raise ValueError("nothing to append")
        with tracer.start_as_current_span(
            "eventstore append", kind=trace.SpanKind.INTERNAL
        ) as span:
            span.set_attribute("tandem.stream_id", stream_id)
            trace_headers = current_trace_headers()
            envelopes = [Envelope.wrap(e, self._source, trace_headers) for e in events]
            pending = Pending(
                stream_id,
                expected_version,
                expected_version + len(events),
                idempotency_key,
                envelopes,
            )
            if conn is None and self._group is not None:
                if idempotency_key is not None:
                    async with self._pool.acquire() as own:
                        earlier = await self._earlier(own, idempotency_key)
                    if earlier is not None:
                        return earlier
                if not await self._group.submit(pending):
                    if idempotency_key is not None:
                        async with self._pool.acquire() as own:
                            earlier = await self._earlier(own, idempotency_key)
                        if earlier is not None:
                            return earlier
                    raise ConcurrencyError(stream_id, expected_version)
                return AppendResult(stream_id, pending.new_version)
            async with _connection(self._pool, conn) as conn:
                if idempotency_key is not None:
                    earlier = await self._earlier(conn, idempotency_key)
                    if earlier is not None:
                        return earlier
                if await append_one(conn, self._source, pending) == 0:
                    if idempotency_key is not None:
                        earlier = await self._earlier(conn, idempotency_key)
                        if earlier is not None:
                            return earlier
                    raise ConcurrencyError(stream_id, expected_version)
            return AppendResult(stream_id, pending.new_version)

    async def append_streams(
        self, appends: Sequence[StreamAppend], *, conn: asyncpg.Connection | None = None
    ) -> None:
        """Append to many streams in one statement (a round's thousands of new pairs).

        Raises :class:`ConcurrencyError` for the first stream that was not at its expected
        version; inside the caller's transaction that undoes them all.
        """
        async with _connection(self._pool, conn) as conn:
            appended = await append_many(conn, self._source, appends)
        for stream_id, expected, events in appends:
            if events and stream_id not in appended:
                raise ConcurrencyError(stream_id, expected)

    async def _earlier(self, conn: asyncpg.Connection, key: str) -> AppendResult | None:
        row = await conn.fetchrow(
            "SELECT stream_id, version FROM command_idempotency WHERE idempotency_key = $1", key
        )
        return AppendResult(row["stream_id"], row["version"], replayed=True) if row else None

    async def read_stream(
        self, stream_id: str, after_version: int = 0, *, conn: asyncpg.Connection | None = None
    ) -> list[RecordedEvent]:
        """The stream's events in version order (through ``conn`` when given)."""
        if conn is not None:
            return [
                recorded(row) for row in await conn.fetch(_READ_STREAM, stream_id, after_version)
            ]
        own = await self._pool.acquire()
        try:
            rows = await own.fetch(_READ_STREAM, stream_id, after_version)
        finally:
            # The pool's reset query on release is one more round trip: run it off the
            # caller's path (the connection goes back to the pool right after it).
            release_soon(self._pool, own)
        return [recorded(row) for row in rows]

    async def load(
        self,
        stream_id: str,
        initial: A,
        apply: Callable[[A, DomainEvent], A],
        *,
        conn: asyncpg.Connection | None = None,
    ) -> tuple[A, int]:
        """Fold the stream into an aggregate with ``apply``; returns it and its version.

        Pass ``conn`` to read inside a transaction that already holds a connection (waiting
        for a second one from the pool could starve it).
        """
        state, version = initial, 0
        for item in await self.read_stream(stream_id, conn=conn):
            state, version = apply(state, item.event()), item.version
        return state, version

    async def version_of(self, stream_id: str) -> int:
        """The stream's current version (0 when it does not exist)."""
        async with self._pool.acquire() as conn:
            value = await conn.fetchval(
                "SELECT version FROM streams WHERE stream_id = $1", stream_id
            )
        return int(value or 0)


@asynccontextmanager
async def _connection(
    pool: asyncpg.Pool, conn: asyncpg.Connection | None
) -> AsyncIterator[asyncpg.Connection]:
    if conn is not None:
        yield conn
        return
    async with pool.acquire() as acquired:
        yield acquired


def recorded(row: asyncpg.Record) -> RecordedEvent:
    """A stored row as a :class:`RecordedEvent`."""
    envelope = Envelope(
        id=str(row["event_id"]),
        type=row["event_type"],
        source=row["source"],
        subject=row["record_key"],
        time=row["occurred_at"],
        topic=row["topic"],
        key=row["record_key"],
        data=row["payload"],
        trace=row["trace"],
    )
    return RecordedEvent(row["position"], row["stream_id"], row["version"], envelope)


# Idempotency records: (table, time column). command_results is the service template's
# (issue 9); a table or column a database does not have is skipped.
IDEMPOTENCY_TABLES = (("command_idempotency", "recorded_at"), ("command_results", "recorded_at"))


async def prune_idempotency(pool: asyncpg.Pool, older_than: timedelta) -> dict[str, int]:
    """Delete idempotency records older than ``older_than``; returns the rows deleted per table.

    A client retrying a command after that long gets it applied again: keep the age well
    above the longest retry window any client has (docs/operations.md).
    """
    deleted: dict[str, int] = {}
    async with pool.acquire() as conn:
        for table, column in IDEMPOTENCY_TABLES:
            exists = await conn.fetchval(
                "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND table_name = $1 AND column_name = $2",
                table,
                column,
            )
            if exists:
                status = await conn.execute(
                    f"DELETE FROM {table} WHERE {column} < now() - $1::interval", older_than
                )
                deleted[table] = int(status.split()[-1])
    return deleted
