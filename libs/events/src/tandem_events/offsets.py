"""Where a projection resumes on each partition: its offsets, stored in its own database.

The runner saves a batch's offsets in the batch's transaction, as a compare-and-set on the
offset the batch started at: a runner whose view is stale (after a rebalance, or a rebuild
that swapped the tables) fails it, rolls back and re-seeks instead of applying twice.
"""

from __future__ import annotations

import asyncpg
from aiokafka import TopicPartition
from aiokafka.structs import ConsumerRecord

from tandem_service.logging import get_logger

log = get_logger("tandem.projection")

_SAVE = """
INSERT INTO projection_offsets (projection, topic, partition, next_offset)
VALUES ($1, $2, $3, $5)
ON CONFLICT (projection, topic, partition) DO UPDATE SET next_offset = $5
WHERE projection_offsets.next_offset = $4
RETURNING 1
"""


class OffsetsMoved(Exception):
    """The stored offsets are not where this runner thought: re-seek from the database."""


async def stored_offsets(pool: asyncpg.Pool, projection: str) -> dict[TopicPartition, int]:
    """The next offset to apply of every partition the projection has applied records of."""
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT topic, partition, next_offset FROM projection_offsets WHERE projection = $1",
            projection,
        )
    return {TopicPartition(r["topic"], r["partition"]): r["next_offset"] for r in rows}


async def skip_removed(
    pool: asyncpg.Pool, projection: str, tp: TopicPartition, stored: int, first: int
) -> None:
    """Retention removed records this projection never saw (its ``stored`` offset is before
    the log's start ``first``): say so, and resume at ``first``, or the compare-and-set
    would never match again."""
    log.warning(
        "records removed by retention before they were applied",
        projection=projection,
        topic=tp.topic,
        partition=tp.partition,
        missed=first - stored,
    )
    await pool.execute(
        "UPDATE projection_offsets SET next_offset = $4 WHERE projection = $1 "
        "AND topic = $2 AND partition = $3 AND next_offset < $4",
        projection,
        tp.topic,
        tp.partition,
        first,
    )


async def save_offsets(
    conn: asyncpg.Connection,
    projection: str,
    batches: dict[TopicPartition, list[ConsumerRecord[bytes, bytes]]],
) -> None:
    """Move each partition's offset past its records, unless it is no longer at their start.

    In partition order: two runners of the group holding the same partitions for a moment
    (a rebalance) then lock their rows in the same order instead of deadlocking.
    """
    for tp, records in sorted(batches.items()):
        saved = await conn.fetchval(
            _SAVE, projection, tp.topic, tp.partition, records[0].offset, records[-1].offset + 1
        )
        if saved is None:
            raise OffsetsMoved(f"{tp.topic}[{tp.partition}]")
