"""Reading the store: a stream's events in version order, folded into an aggregate."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import asyncpg

from tandem_events.catalog.base import DomainEvent
from tandem_events.envelope import Envelope
from tandem_events.store_writes import release_soon

A = TypeVar("A")

_READ_STREAM = (
    "SELECT position, stream_id, version, event_id, event_type, source, record_key, "
    "occurred_at, topic, payload, trace FROM events "
    "WHERE stream_id = $1 AND version > $2 ORDER BY version"
)


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


class StreamReads:
    """The event store's reads, through the caller's connection or one of the pool's."""

    _pool: asyncpg.Pool

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
