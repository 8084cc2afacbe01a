"""The end of a rebuild: its shadow tables and offsets replace the live ones at once."""

from __future__ import annotations

import asyncpg
from aiokafka import TopicPartition

from tandem_events.envelope import Envelope
from tandem_events.projection import Projection

SHADOW = "{}__rebuild"
RETIRED = "{}__retired"


async def swap_in(
    pool: asyncpg.Pool,
    projection: Projection,
    shadows: dict[str, str],
    end: dict[TopicPartition, int],
    parked: list[Envelope],
) -> None:
    """Swap the shadows in, with the rebuild's offsets and parked events, in one transaction."""
    async with pool.acquire() as conn, conn.transaction():
        for table, shadow in shadows.items():
            await conn.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
            await conn.execute(f"ALTER TABLE {table} RENAME TO {RETIRED.format(table)}")
            await conn.execute(f"ALTER TABLE {shadow} RENAME TO {table}")
        recreate = getattr(projection, "recreate_views", None)
        if recreate is not None:
            await recreate(conn)
        for table in shadows:
            await conn.execute(f"DROP TABLE {RETIRED.format(table)} CASCADE")
        await conn.execute("DELETE FROM projection_applied WHERE projection = $1", projection.name)
        await conn.execute(
            "UPDATE projection_applied SET projection = $1 WHERE projection = $2",
            projection.name,
            SHADOW.format(projection.name),
        )
        await conn.execute("DELETE FROM projection_offsets WHERE projection = $1", projection.name)
        await conn.executemany(
            "INSERT INTO projection_offsets (projection, topic, partition, next_offset) "
            "VALUES ($1, $2, $3, $4)",
            [(projection.name, tp.topic, tp.partition, offset) for tp, offset in end.items()],
        )
        await conn.execute("DELETE FROM projection_parked WHERE projection = $1", projection.name)
        for envelope in parked:
            await conn.execute(
                "INSERT INTO projection_parked (projection, event_id, waiting_for, topic, "
                "record_key, headers, value) VALUES ($1, $2, 'rebuild', $3, $4, $5, $6)",
                projection.name,
                envelope.id,
                envelope.topic,
                envelope.key,
                [[k, v.decode()] for k, v in envelope.headers()],
                envelope.value(),
            )
