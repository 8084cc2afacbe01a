"""The event store on PostgreSQL: optimistic append, stream reads, idempotent commands.

Appending is one SQL statement (one round trip, atomic without an explicit transaction):
the stream's version row is bumped only if it still holds the expected version, and the
events and the idempotency key are inserted only if that bump happened.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TypeVar
import asyncpg
from opentelemetry import trace

from tandem_events.catalog.base import DomainEvent
from tandem_events.envelope import Envelope
from tandem_events.errors import ConcurrencyError
from tandem_events.tracing import current_trace_headers, tracer

A = TypeVar("A")

_APPEND = """
WITH bumped AS (
    UPDATE streams SET version = $3
    WHERE stream_id = $1 AND version = $2 AND $2 > 0
    RETURNING 1
), created AS (
    INSERT INTO streams (stream_id, version) SELECT $1, $3 WHERE $2 = 0
    ON CONFLICT (stream_id) DO NOTHING
    RETURNING 1
), moved AS (
    SELECT 1 FROM bumped UNION ALL SELECT 1 FROM created
), keyed AS (
    INSERT INTO command_idempotency (idempotency_key, stream_id, version)
    SELECT $4, $1, $3 WHERE $4::text IS NOT NULL AND EXISTS (SELECT 1 FROM moved)
), appended AS (
    INSERT INTO events (event_id, stream_id, version, event_type, source, topic, record_key,
                        occurred_at, payload, trace)
    SELECT e.id, $1, $2 + e.n, e.type, $5, e.topic, e.key, e.occurred, e.payload, $11
    FROM unnest($6::uuid[], $7::text[], $8::text[], $9::text[], $10::timestamptz[],
                $12::jsonb[]) WITH ORDINALITY AS e(id, type, topic, key, occurred, payload, n)
    WHERE EXISTS (SELECT 1 FROM moved)
    RETURNING position
)
SELECT count(*) FROM appended
"""


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
    """Appends to and reads streams in one service's database."""

    def __init__(self, pool: asyncpg.Pool, source: str) -> None:
        self._pool = pool
        self._source = source

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
        with tracer.start_as_current_span("eventstore append", kind=trace.SpanKind.INTERNAL) as span:
            span.set_attribute("tandem.stream_id", stream_id)
            envelopes = [Envelope.wrap(e, self._source, current_trace_headers()) for e in events]
            new_version = expected_version + len(events)
            async with _connection(self._pool, conn) as conn:
                if idempotency_key is not None:
                    earlier = await self._earlier(conn, idempotency_key)
                    if earlier is not None:
                        return earlier
                try:
                    count = await conn.fetchval(
                        _APPEND, stream_id, expected_version, new_version, idempotency_key,
                        self._source,
                        [e.id for e in envelopes], [e.type for e in envelopes],
                        [e.topic for e in envelopes], [e.key for e in envelopes],
                        [e.time for e in envelopes], envelopes[0].trace,
                        [e.data for e in envelopes],
                    )
                except asyncpg.UniqueViolationError:
                    count = 0  # a concurrent twin with the same key or version won the race
                if count == 0:
                    if idempotency_key is not None:
                        earlier = await self._earlier(conn, idempotency_key)
                        if earlier is not None:
                            return earlier
                    raise ConcurrencyError(stream_id, expected_version)
            return AppendResult(stream_id, new_version)

    async def _earlier(self, conn: asyncpg.Connection, key: str) -> AppendResult | None:
        row = await conn.fetchrow(
            "SELECT stream_id, version FROM command_idempotency WHERE idempotency_key = $1", key
        )
        return AppendResult(row["stream_id"], row["version"], replayed=True) if row else None

    async def read_stream(self, stream_id: str, after_version: int = 0) -> list[RecordedEvent]:
        """The stream's events in version order."""
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(
                "SELECT * FROM events WHERE stream_id = $1 AND version > $2 ORDER BY version",
                stream_id, after_version,
            )
        return [recorded(row) for row in rows]

    async def load(
        self, stream_id: str, initial: A, apply: Callable[[A, DomainEvent], A]
    ) -> tuple[A, int]:
        """Fold the stream into an aggregate with ``apply``; returns it and its version."""
        state, version = initial, 0
        for item in await self.read_stream(stream_id):
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
