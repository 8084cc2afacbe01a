"""The store's write path: the append statements and group commit.

Appending is one SQL statement (one round trip, atomic without an explicit transaction):
the stream's version row is bumped only if it still holds the expected version, and the
events and the idempotency key are inserted only if that bump happened.

Relay order: a stream row carries ``tx_id``, the relay-order id of its latest append, and each
append takes ``greatest(stream's tx_id, its own transaction id)`` for its events. A transaction
that got its id early (it wrote elsewhere first) and appends to a stream another transaction
moved since then therefore sorts after that append, so the relay publishes every stream in
version order (docs/decisions/0004-gap-free-relay.md explains why gap-freedom still holds).

Group commit: appends made through the pool (no caller connection) while another append is
in flight are coalesced into one statement and one commit (one WAL flush) for all of them.
Each append still succeeds or conflicts on its own: a stream whose version moved is simply
not bumped and its events are not inserted, exactly as with a lone append. Two appends to the
same stream (or with the same idempotency key) never share a batch. Nothing waits to form a
batch: an append goes out at once when a flush slot is free, so a lone writer sees no delay.
Flushes run concurrently, so every batch locks its existing stream rows first, in stream-id
order (no two batches wait on each other in a cycle); a deadlock that still happens (a new
stream or an idempotency key inserted by two batches at once) is retried, never surfaced.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from prometheus_client import Counter

from tandem_events.envelope import Envelope

RETRIED = Counter(
    "tandem_store_batch_retries_total", "Group-commit batches retried after a deadlock"
)
MAX_RETRIES = 8
# Errors after which the whole (single-statement) batch rolled back and may simply run again.
RETRYABLE = (asyncpg.DeadlockDetectedError, asyncpg.SerializationError)

# The append as a chain of CTEs ending in ``appended`` (parameters $1-$12, append_arguments),
# so that a service may follow it with writes of its own in the same statement.
APPEND_STEPS = """
WITH bumped AS (
    UPDATE streams SET version = $3, tx_id = greatest(tx_id, pg_current_xact_id())
    WHERE stream_id = $1 AND version = $2 AND $2 > 0
    RETURNING tx_id
), created AS (
    INSERT INTO streams (stream_id, version, tx_id) SELECT $1, $3, pg_current_xact_id()
    WHERE $2 = 0
    ON CONFLICT (stream_id) DO NOTHING
    RETURNING tx_id
), moved AS (
    SELECT tx_id FROM bumped UNION ALL SELECT tx_id FROM created
), keyed AS (
    INSERT INTO command_idempotency (idempotency_key, stream_id, version)
    SELECT $4, $1, $3 WHERE $4::text IS NOT NULL AND EXISTS (SELECT 1 FROM moved)
), appended AS (
    INSERT INTO events (tx_id, event_id, stream_id, version, event_type, source, topic,
                        record_key, occurred_at, payload, trace)
    SELECT m.tx_id, e.id, $1, $2 + e.n, e.type, $5, e.topic, e.key, e.occurred, e.payload, $11
    FROM unnest($6::uuid[], $7::text[], $8::text[], $9::text[], $10::timestamptz[],
                $12::jsonb[]) WITH ORDINALITY AS e(id, type, topic, key, occurred, payload, n)
    CROSS JOIN moved m
    RETURNING position
)"""
APPEND_PARAMETERS = 12
_APPEND = APPEND_STEPS + "\nSELECT count(*) FROM appended\n"

# Many appends (each to a different stream) in one statement; returns the streams bumped.
# ``locked`` takes the existing rows' locks in stream-id order first, one index lookup per
# stream: with a thousand ids the planner preferred "stream_id = ANY(...)" over a sequential
# scan of the whole table (80 ms a batch at 100,000 streams, against 5 ms). A locking
# subquery is never flattened, so the nested loop follows the sorted ids.
_APPEND_MANY = """
WITH cmd AS (
    SELECT * FROM unnest($1::text[], $2::integer[], $3::integer[], $4::text[])
        AS c(stream_id, expected, new_version, idem_key)
), locked AS (
    SELECT s.stream_id
    FROM (SELECT stream_id FROM cmd ORDER BY stream_id) c
    CROSS JOIN LATERAL (
        SELECT stream_id FROM streams WHERE streams.stream_id = c.stream_id FOR UPDATE
    ) s
), bumped AS (
    UPDATE streams s SET version = c.new_version,
                         tx_id = greatest(s.tx_id, pg_current_xact_id())
    FROM cmd c
    WHERE s.stream_id = c.stream_id AND s.version = c.expected AND c.expected > 0
      AND s.stream_id IN (SELECT stream_id FROM locked)
    RETURNING s.stream_id, s.tx_id
), created AS (
    INSERT INTO streams (stream_id, version, tx_id)
    SELECT stream_id, new_version, pg_current_xact_id() FROM cmd
    WHERE expected = 0
    ORDER BY stream_id
    ON CONFLICT (stream_id) DO NOTHING
    RETURNING stream_id, tx_id
), moved AS (
    SELECT stream_id, tx_id FROM bumped UNION ALL SELECT stream_id, tx_id FROM created
), keyed AS (
    INSERT INTO command_idempotency (idempotency_key, stream_id, version)
    SELECT c.idem_key, c.stream_id, c.new_version FROM cmd c
    WHERE c.idem_key IS NOT NULL AND c.stream_id IN (SELECT stream_id FROM moved)
), appended AS (
    INSERT INTO events (tx_id, event_id, stream_id, version, event_type, source, topic,
                        record_key, occurred_at, payload, trace)
    SELECT m.tx_id, e.id, e.stream_id, e.version, e.type, $5, e.topic, e.key, e.occurred,
           e.payload, e.trace
    FROM unnest($6::text[], $7::integer[], $8::uuid[], $9::text[], $10::text[], $11::text[],
                $12::timestamptz[], $13::jsonb[], $14::jsonb[])
        WITH ORDINALITY AS e(stream_id, version, id, type, topic, key, occurred, payload,
                             trace, n)
    JOIN moved m ON m.stream_id = e.stream_id
    ORDER BY e.n
)
SELECT stream_id FROM moved
"""


@dataclass
class Pending:
    """One append waiting for (or riding in) a group commit."""

    stream_id: str
    expected: int
    new_version: int
    key: str | None
    envelopes: list[Envelope]
    done: asyncio.Future[bool] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class GroupCommit:
    """Coalesces concurrent pool appends into one statement per flush (see module doc)."""

    def __init__(self, pool: asyncpg.Pool, source: str, max_flushes: int, max_batch: int) -> None:
        self._pool = pool
        self._source = source
        self._max_flushes = max_flushes
        self._max_batch = max_batch
        self._queue: list[Pending] = []
        self._flushing = 0
        self._tasks: set[asyncio.Task[None]] = set()

    async def submit(self, pending: Pending) -> bool:
        """Whether the append happened (False: its stream had moved)."""
        if not self._queue and self._flushing < self._max_flushes:
            # A free slot and nobody waiting: write inline (no hop through a task).
            self._flushing += 1
            try:
                conn = await self._pool.acquire()
                try:
                    return await append_one(conn, self._source, pending) > 0
                finally:
                    release_soon(self._pool, conn)
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

    def _take(self) -> list[Pending]:
        batch: list[Pending] = []
        rest: list[Pending] = []
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
                release_soon(self._pool, conn)
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

    async def _write(self, conn: asyncpg.Connection, batch: list[Pending]) -> None:
        if len(batch) == 1:
            p = batch[0]
            p.done.set_result(await append_one(conn, self._source, p) > 0)
            return
        batch = sorted(batch, key=lambda p: p.stream_id)
        try:
            moved = await self._write_many(conn, batch)
        except asyncpg.UniqueViolationError:
            # A concurrent twin (same key or version) won a race: settle each one alone.
            for p in batch:
                p.done.set_result(await append_one(conn, self._source, p) > 0)
            return
        for p in batch:
            p.done.set_result(p.stream_id in moved)

    async def _write_many(self, conn: asyncpg.Connection, batch: list[Pending]) -> set[str]:
        arguments = self._arguments(batch)
        for attempt in range(MAX_RETRIES):
            try:
                return {r[0] for r in await conn.fetch(_APPEND_MANY, *arguments)}
            except RETRYABLE:
                # One statement, so it rolled back whole: nothing happened, run it again.
                if attempt == MAX_RETRIES - 1:
                    raise
                RETRIED.inc()
                await asyncio.sleep(random.uniform(0, 0.01 * 2**attempt))  # noqa: S311 - jitter
        raise AssertionError("unreachable")

    def _arguments(self, batch: list[Pending]) -> list[Any]:
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


async def append_one(conn: asyncpg.Connection, source: str, p: Pending) -> int:
    """Append one pending write; 0 when its stream had moved (a real conflict)."""
    if conn.is_in_transaction():
        # Inside the caller's transaction a lost race must not abort the caller's work:
        # a savepoint confines the unique violation (or a deadlock with another caller's
        # transaction, which is a conflict the caller retries) to this statement.
        try:
            async with conn.transaction():
                return await append_statement(conn, source, p)
        except (asyncpg.UniqueViolationError, *RETRYABLE):
            return 0
    for attempt in range(MAX_RETRIES):
        try:
            return await append_statement(conn, source, p)
        except asyncpg.UniqueViolationError:
            return 0  # a concurrent twin with the same key or version won the race
        except RETRYABLE:
            if attempt == MAX_RETRIES - 1:
                raise
            RETRIED.inc()
            await asyncio.sleep(random.uniform(0, 0.01 * 2**attempt))  # noqa: S311 - jitter
    raise AssertionError("unreachable")


def append_arguments(source: str, p: Pending) -> list[Any]:
    """The parameters of APPEND_STEPS for one pending write."""
    envelopes = p.envelopes
    return [
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
    ]


async def append_statement(conn: asyncpg.Connection, source: str, p: Pending) -> int:
    return int(await conn.fetchval(_APPEND, *append_arguments(source, p)))


_RELEASING: set[asyncio.Task[None]] = set()


def release_soon(pool: asyncpg.Pool, conn: asyncpg.Connection) -> None:
    task = asyncio.get_running_loop().create_task(pool.release(conn))
    _RELEASING.add(task)
    task.add_done_callback(_RELEASING.discard)
