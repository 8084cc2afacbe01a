"""The event store on PostgreSQL: optimistic append, stream reads, idempotent commands.

Appending is one SQL statement (one round trip, atomic without an explicit transaction):
the stream's version row is bumped only if it still holds the expected version, and the
events and the idempotency key are inserted only if that bump happened.

Group commit: appends made through the pool (no caller connection) while another append is
in flight are coalesced into one statement and one commit (one WAL flush) for all of them.
Each append still succeeds or conflicts on its own: a stream whose version moved is simply
not bumped and its events are not inserted, exactly as with a lone append. Two appends to the
same stream (or with the same idempotency key) never share a batch. Nothing waits to form a
batch: an append goes out at once when a flush slot is free, so a lone writer sees no delay.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

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

_READ_STREAM = (
    "SELECT position, stream_id, version, event_id, event_type, source, record_key, "
    "occurred_at, topic, payload, trace FROM events "
    "WHERE stream_id = $1 AND version > $2 ORDER BY version"
)

# Many appends (each to a different stream) in one statement; returns the streams bumped.
_APPEND_MANY = """
WITH cmd AS (
    SELECT * FROM unnest($1::text[], $2::integer[], $3::integer[], $4::text[])
        AS c(stream_id, expected, new_version, idem_key)
), bumped AS (
    UPDATE streams s SET version = c.new_version FROM cmd c
    WHERE s.stream_id = c.stream_id AND s.version = c.expected AND c.expected > 0
    RETURNING s.stream_id
), created AS (
    INSERT INTO streams (stream_id, version) SELECT stream_id, new_version FROM cmd
    WHERE expected = 0
    ON CONFLICT (stream_id) DO NOTHING
    RETURNING stream_id
), moved AS (
    SELECT stream_id FROM bumped UNION ALL SELECT stream_id FROM created
), keyed AS (
    INSERT INTO command_idempotency (idempotency_key, stream_id, version)
    SELECT c.idem_key, c.stream_id, c.new_version FROM cmd c
    WHERE c.idem_key IS NOT NULL AND c.stream_id IN (SELECT stream_id FROM moved)
), appended AS (
    INSERT INTO events (event_id, stream_id, version, event_type, source, topic, record_key,
                        occurred_at, payload, trace)
    SELECT e.id, e.stream_id, e.version, e.type, $5, e.topic, e.key, e.occurred, e.payload,
           e.trace
    FROM unnest($6::text[], $7::integer[], $8::uuid[], $9::text[], $10::text[], $11::text[],
                $12::timestamptz[], $13::jsonb[], $14::jsonb[])
        WITH ORDINALITY AS e(stream_id, version, id, type, topic, key, occurred, payload,
                             trace, n)
    WHERE e.stream_id IN (SELECT stream_id FROM moved)
    ORDER BY e.n
)
SELECT stream_id FROM moved
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


@dataclass
class _Pending:
    """One append waiting for (or riding in) a group commit."""

    stream_id: str
    expected: int
    new_version: int
    key: str | None
    envelopes: list[Envelope]
    done: asyncio.Future[bool] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class _GroupCommit:
    """Coalesces concurrent pool appends into one statement per flush (see module doc)."""

    def __init__(self, pool: asyncpg.Pool, source: str, max_flushes: int, max_batch: int) -> None:
        self._pool = pool
        self._source = source
        self._max_flushes = max_flushes
        self._max_batch = max_batch
        self._queue: list[_Pending] = []
        self._flushing = 0
        self._tasks: set[asyncio.Task[None]] = set()

    async def submit(self, pending: _Pending) -> bool:
        """Whether the append happened (False: its stream had moved)."""
        if not self._queue and self._flushing < self._max_flushes:
            # A free slot and nobody waiting: write inline (no hop through a task).
            self._flushing += 1
            try:
                conn = await self._pool.acquire()
                try:
                    return await _append_one(conn, self._source, pending) > 0
                finally:
                    _release_soon(self._pool, conn)
            finally:
                self._flushing -= 1
                self._kick()
        self._queue.append(pending)
        self._kick()
        return await asyncio.shield(pending.done)

    def _kick(self) -> None:
        if self._queue and self._flushing < self._max_flushes:
            self._flushing += 1
            task = asyncio.get_running_loop().create_task(self._flush())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    def _take(self) -> list[_Pending]:
        batch: list[_Pending] = []
        rest: list[_Pending] = []
        streams: set[str] = set()
        keys: set[str] = set()
        for p in self._queue:
            if (
                len(batch) >= self._max_batch
                or p.stream_id in streams
                or (p.key is not None and p.key in keys)
            ):
                rest.append(p)
                continue
            batch.append(p)
            streams.add(p.stream_id)
            if p.key is not None:
                keys.add(p.key)
        self._queue = rest
        return batch

    async def _flush(self) -> None:
        # The batch is taken before anything can fail, so a failing flush always settles
        # (fails) at least one batch and the kick in ``finally`` cannot spin.
        batch = self._take()
        try:
            if not batch:
                return
            conn = await self._pool.acquire()
            try:
                while batch:  # one connection while the queue keeps filling
                    await self._write(conn, batch)
                    batch = self._take()
            finally:
                _release_soon(self._pool, conn)
        except BaseException as exc:
            for p in batch:
                if not p.done.done():
                    p.done.set_exception(
                        exc if isinstance(exc, Exception) else asyncio.CancelledError()
                    )
            if not isinstance(exc, Exception):
                raise
        finally:
            self._flushing -= 1
            self._kick()

    async def _write(self, conn: asyncpg.Connection, batch: list[_Pending]) -> None:
        if len(batch) == 1:
            p = batch[0]
            p.done.set_result(await _append_one(conn, self._source, p) > 0)
            return
        try:
            moved = {r[0] for r in await conn.fetch(_APPEND_MANY, *self._arguments(batch))}
        except asyncpg.UniqueViolationError:
            # A concurrent twin (same key or version) won a race: settle each one alone.
            for p in batch:
                p.done.set_result(await _append_one(conn, self._source, p) > 0)
            return
        for p in batch:
            p.done.set_result(p.stream_id in moved)

    def _arguments(self, batch: list[_Pending]) -> list[Any]:
        streams: list[str] = []
        versions: list[int] = []
        ids: list[str] = []
        types: list[str] = []
        topics: list[str] = []
        keys: list[str] = []
        times: list[Any] = []
        payloads: list[Any] = []
        traces: list[Any] = []
        for p in batch:
            for n, e in enumerate(p.envelopes, start=1):
                streams.append(p.stream_id)
                versions.append(p.expected + n)
                ids.append(e.id)
                types.append(e.type)
                topics.append(e.topic)
                keys.append(e.key)
                times.append(e.time)
                payloads.append(e.data)
                traces.append(e.trace)
        return [
            [p.stream_id for p in batch],
            [p.expected for p in batch],
            [p.new_version for p in batch],
            [p.key for p in batch],
            self._source,
            streams,
            versions,
            ids,
            types,
            topics,
            keys,
            times,
            payloads,
            traces,
        ]


async def _append_one(conn: asyncpg.Connection, source: str, p: _Pending) -> int:
    if conn.is_in_transaction():
        # Inside the caller's transaction a lost race must not abort the caller's work:
        # a savepoint confines the unique violation to this statement.
        try:
            async with conn.transaction():
                return await _append_statement(conn, source, p)
        except asyncpg.UniqueViolationError:
            return 0
    try:
        return await _append_statement(conn, source, p)
    except asyncpg.UniqueViolationError:
        return 0  # a concurrent twin with the same key or version won the race


async def _append_statement(conn: asyncpg.Connection, source: str, p: _Pending) -> int:
    envelopes = p.envelopes
    return int(
        await conn.fetchval(
            _APPEND,
            p.stream_id,
            p.expected,
            p.new_version,
            p.key,
            source,
            [e.id for e in envelopes],
            [e.type for e in envelopes],
            [e.topic for e in envelopes],
            [e.key for e in envelopes],
            [e.time for e in envelopes],
            envelopes[0].trace,
            [e.data for e in envelopes],
        )
    )


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
        self._group: _GroupCommit | None = (
            _GroupCommit(pool, source, max_flushes, max_batch) if group_commit else None
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
            pending = _Pending(
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
                if await _append_one(conn, self._source, pending) == 0:
                    if idempotency_key is not None:
                        earlier = await self._earlier(conn, idempotency_key)
                        if earlier is not None:
                            return earlier
                    raise ConcurrencyError(stream_id, expected_version)
            return AppendResult(stream_id, pending.new_version)

    async def _earlier(self, conn: asyncpg.Connection, key: str) -> AppendResult | None:
        row = await conn.fetchrow(
            "SELECT stream_id, version FROM command_idempotency WHERE idempotency_key = $1", key
        )
        return AppendResult(row["stream_id"], row["version"], replayed=True) if row else None

    async def read_stream(self, stream_id: str, after_version: int = 0) -> list[RecordedEvent]:
        """The stream's events in version order."""
        conn = await self._pool.acquire()
        try:
            rows = await conn.fetch(_READ_STREAM, stream_id, after_version)
        finally:
            # The pool's reset query on release is one more round trip: run it off the
            # caller's path (the connection goes back to the pool right after it).
            _release_soon(self._pool, conn)
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


_RELEASING: set[asyncio.Task[None]] = set()


def _release_soon(pool: asyncpg.Pool, conn: asyncpg.Connection) -> None:
    task = asyncio.get_running_loop().create_task(pool.release(conn))
    _RELEASING.add(task)
    task.add_done_callback(_RELEASING.discard)


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
