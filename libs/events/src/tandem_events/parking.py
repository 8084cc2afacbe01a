"""Parked events: ones that arrived before what they depend on, retried after later batches."""

from __future__ import annotations

from typing import Any

import asyncpg
from aiokafka.structs import ConsumerRecord

from tandem_events.dead_letters import DeadLetters
from tandem_events.envelope import Envelope
from tandem_events.projection import Projection, ProjectionContext, WaitFor

# Give up on an event after this many retries (each after a later batch): it goes to the DLQ.
MAX_ATTEMPTS = 500


class ParkingLot:
    """Stores early events in the projection's database, in the batch transaction."""

    def __init__(self, projection: Projection) -> None:
        self._projection = projection
        self._maybe_parked = True  # unknown at start: look once

    async def park(
        self, conn: asyncpg.Connection, record: Any, envelope: Envelope, waiting_for: str
    ) -> None:
        """Keep ``record`` until what it waits for has been applied."""
        await conn.execute(
            """
            INSERT INTO projection_parked
                (projection, event_id, waiting_for, topic, record_key, headers, value)
            VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING
            """,
            self._projection.name,
            envelope.id,
            waiting_for,
            record.topic,
            envelope.key,
            [[k, v.decode()] for k, v in record.headers],
            record.value,
        )
        self._maybe_parked = True

    async def retry(self, pool: asyncpg.Pool, dead: DeadLetters) -> None:
        """Try every parked event again, oldest first; apply what now can be applied."""
        if not self._maybe_parked:
            return
        async with pool.acquire() as conn, conn.transaction():
            rows = await conn.fetch(
                "SELECT * FROM projection_parked WHERE projection = $1 "
                "ORDER BY parked_at FOR UPDATE SKIP LOCKED",
                self._projection.name,
            )
            self._maybe_parked = bool(rows)
            ctx = ProjectionContext(conn)
            for row in rows:
                headers = [(k, v.encode()) for k, v in row["headers"]]
                envelope = Envelope.from_record(
                    row["topic"], row["record_key"].encode(), row["value"], headers
                )
                try:
                    async with conn.transaction():
                        await self._projection.apply(ctx, envelope.event(), envelope)
                except WaitFor:
                    await self._bump(conn, row, dead, headers)
                    continue
                await self._forget(conn, row["event_id"])

    async def _bump(
        self,
        conn: asyncpg.Connection,
        row: asyncpg.Record,
        dead: DeadLetters,
        headers: list[tuple[str, bytes]],
    ) -> None:
        if row["attempts"] + 1 < MAX_ATTEMPTS:
            await conn.execute(
                "UPDATE projection_parked SET attempts = attempts + 1 "
                "WHERE projection = $1 AND event_id = $2",
                self._projection.name,
                row["event_id"],
            )
            return
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
        await dead.send(record, f"gave up waiting for {row['waiting_for']}")
        await self._forget(conn, row["event_id"])

    async def _forget(self, conn: asyncpg.Connection, event_id: str) -> None:
        await conn.execute(
            "DELETE FROM projection_parked WHERE projection = $1 AND event_id = $2",
            self._projection.name,
            event_id,
        )
