"""One append to one stream: its single SQL statement, and retrying it after a deadlock.

Appending is one SQL statement (one round trip, atomic without an explicit transaction):
the stream's version row is bumped only if it still holds the expected version, and the
events and the idempotency key are inserted only if that bump happened.

Relay order: a stream row carries ``tx_id``, the relay-order id of its latest append, and each
append takes ``greatest(stream's tx_id, its own transaction id)`` for its events. A transaction
that got its id early (it wrote elsewhere first) and appends to a stream another transaction
moved since then therefore sorts after that append, so the relay publishes every stream in
version order (docs/decisions/0004-gap-free-relay.md explains why gap-freedom still holds).
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import asyncpg
from prometheus_client import Counter

from tandem_events.envelope import Envelope

RETRIED = Counter(
    "tandem_store_batch_retries_total", "Group-commit batches retried after a deadlock"
)
MAX_RETRIES = 8
T = TypeVar("T")
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
    try:
        return await retried(lambda: append_statement(conn, source, p))
    except asyncpg.UniqueViolationError:
        return 0  # a concurrent twin with the same key or version won the race


async def retried(statement: Callable[[], Awaitable[T]]) -> T:
    """Run one statement again after a deadlock or a serialization failure, with jitter.

    A single statement outside a transaction rolled back whole: nothing happened yet.
    """
    for attempt in range(MAX_RETRIES):
        try:
            return await statement()
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
