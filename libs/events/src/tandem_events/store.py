"""The event store on PostgreSQL: optimistic append, stream reads, idempotent commands.

Reads are in :mod:`tandem_events.store_reads`, pruning in :mod:`tandem_events.store_pruning`.
The write path is in :mod:`tandem_events.store_append` (one statement per append),
:mod:`tandem_events.store_many` and :mod:`tandem_events.store_writes` (group commit).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

import asyncpg
from opentelemetry import trace

from tandem_events.catalog.base import DomainEvent
from tandem_events.envelope import Envelope
from tandem_events.errors import ConcurrencyError
from tandem_events.store_append import Pending, append_one
from tandem_events.store_batch import StreamAppend, append_many
from tandem_events.store_reads import StreamReads
from tandem_events.store_writes import GroupCommit
from tandem_events.tracing import current_trace_headers, tracer


@dataclass(frozen=True)
class AppendResult:
    """What an append did: the stream's new version, and whether it was a replay."""

    stream_id: str
    version: int
    replayed: bool = False


class EventStore(StreamReads):
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


@asynccontextmanager
async def _connection(
    pool: asyncpg.Pool, conn: asyncpg.Connection | None
) -> AsyncIterator[asyncpg.Connection]:
    if conn is not None:
        yield conn
        return
    async with pool.acquire() as acquired:
        yield acquired
