"""Retrying one parked event: applied in its own savepoint, parked longer, or given up.

An event that fails for another reason than what it waits for is dead-lettered alone and the
others go on; a transient error of the database rolls the whole retry pass back instead.
"""

from __future__ import annotations

from datetime import timedelta

import asyncpg
from aiokafka.structs import ConsumerRecord

from tandem_events.catalog.base import EVENT_TYPES, parse_version
from tandem_events.dead_letters import DeadLetters
from tandem_events.dedup import claim
from tandem_events.envelope import Envelope
from tandem_events.errors import UnknownEventType
from tandem_events.projection import Projection, ProjectionContext, WaitFor

MAX_RECHECK = timedelta(minutes=30)

# Errors of the database or the network: the retry pass is rolled back and runs again later;
# they say nothing about the event, so it is never dead-lettered for them.
TRANSIENT = (
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.InsufficientResourcesError,
    asyncpg.exceptions.TransactionRollbackError,
    OSError,
    TimeoutError,
)

_WAIT_LONGER = """
UPDATE projection_parked SET attempts = attempts + 1, waiting_key = $3,
    retry_at = now() + least($4::interval * power(2, least(attempts, 16)), $5::interval)
WHERE projection = $1 AND event_id = $2
"""


def newer_than_known(type_name: str) -> bool:
    """Whether ``type_name`` is a later version of a known event than this consumer has.

    Producers deploy first: such an event waits (parked) for this consumer's upgrade instead
    of being rejected, and is dead-lettered, replayably, only after the horizon.
    """
    try:
        return parse_version(type_name) > EVENT_TYPES.current(type_name).version
    except UnknownEventType:
        return False


async def retry_one(
    conn: asyncpg.Connection,
    row: asyncpg.Record,
    dead: DeadLetters,
    projection: Projection,
    recheck: timedelta,
    arrived: set[str],
) -> None:
    """Apply one parked event in its own savepoint; on success add its key to ``arrived``."""
    headers = [(k, v.encode()) for k, v in row["headers"]]
    try:
        async with conn.transaction():
            envelope = Envelope.from_record(
                row["topic"], row["record_key"].encode(), row["value"], headers
            )
            if newer_than_known(envelope.type):
                raise WaitFor(f"a consumer that knows {envelope.type}", key=None)
            ctx = ProjectionContext(conn)
            await projection.apply(ctx, envelope.event(), envelope)
            await claim(conn, projection.name, [envelope.id])
    except WaitFor as wait:
        if await conn.fetchval("SELECT $1::timestamptz <= now()", row["expires_at"]):
            await _give_up(
                conn, row, dead, projection.name, headers, f"gave up waiting for {wait.what}"
            )
        else:
            await conn.execute(
                _WAIT_LONGER,
                projection.name,
                row["event_id"],
                wait.key if wait.key is not None else row["waiting_key"],
                recheck,
                MAX_RECHECK,
            )
        return
    except TRANSIENT:
        raise
    except Exception as exc:  # this event is bad, not the database: only it goes
        await _give_up(conn, row, dead, projection.name, headers, f"projection failed: {exc!r}")
        return
    arrived.add(row["record_key"])  # what waits for this one may go next loop
    await _forget(conn, projection.name, row["event_id"])


async def _give_up(
    conn: asyncpg.Connection,
    row: asyncpg.Record,
    dead: DeadLetters,
    projection: str,
    headers: list[tuple[str, bytes]],
    reason: str,
) -> None:
    record = ConsumerRecord(
        topic=row["topic"],
        partition=-1,
        offset=-1,
        timestamp=0,
        timestamp_type=0,
        key=row["record_key"].encode(),
        value=row["value"],
        checksum=None,
        serialized_key_size=0,
        serialized_value_size=0,
        headers=tuple(headers),
    )
    await dead.record(conn, record, reason)
    await _forget(conn, projection, row["event_id"])


async def _forget(conn: asyncpg.Connection, projection: str, event_id: str) -> None:
    await conn.execute(
        "DELETE FROM projection_parked WHERE projection = $1 AND event_id = $2",
        projection,
        event_id,
    )
