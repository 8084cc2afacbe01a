"""Rebuilding a projection from the log into shadow tables, swapped in at the end.

The live tables keep serving (and the live runner keeps applying) while the shadow fills.
The swap is one transaction: shadows take the live names, the stored offsets become the
rebuild's, and the live runner's next compare-and-set fails, so it re-seeks from there.
"""

from __future__ import annotations

from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from tandem_events.projection import Projection
from tandem_events.rebuild_replay import replay
from tandem_events.rebuild_swap import SHADOW, swap_in


async def rebuild_projection(
    pool: asyncpg.Pool,
    bootstrap: str,
    projection: Projection,
    *,
    topic_prefix: str = "",
    show_progress: bool = True,
    kafka_options: dict[str, Any] | None = None,
    swap: bool = True,
) -> int:
    """Replay ``projection`` from the start of its topics; returns the events applied.

    With ``swap=False`` the shadow tables (``SHADOW``) stay beside the live ones, untouched
    by the live runner, so a check can compare the two.
    """
    shadows = {t: SHADOW.format(t) for t in projection.tables}
    async with pool.acquire() as conn:
        await conn.execute(
            "DELETE FROM projection_applied WHERE projection = $1", SHADOW.format(projection.name)
        )
        for table, shadow in shadows.items():
            await conn.execute(f"DROP TABLE IF EXISTS {shadow}")
            await conn.execute(f"CREATE TABLE {shadow} (LIKE {table} INCLUDING ALL)")
    options = dict(kafka_options or {})
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, **options)
    await consumer.start()
    try:
        topics = [topic_prefix + t for t in projection.topics]
        partitions = await _partitions(bootstrap, topics, options)
        if not partitions:
            if not swap:
                return 0
            await swap_in(pool, projection, shadows, {}, [])
            return 0
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        start = await consumer.beginning_offsets(partitions)
        end = await consumer.end_offsets(partitions)
        total = sum(end[tp] - start[tp] for tp in partitions)
        applied, parked = await replay(
            pool, consumer, projection, shadows, start, end, total, show_progress
        )
    finally:
        await consumer.stop()
    if swap:
        await swap_in(pool, projection, shadows, end, parked)
    return applied


async def _partitions(
    bootstrap: str, topics: list[str], options: dict[str, Any]
) -> list[TopicPartition]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, **options)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        described = await admin.describe_topics([t for t in topics if t in existing])
    finally:
        await admin.close()
    return sorted(
        TopicPartition(d["topic"], p["partition"]) for d in described for p in d["partitions"]
    )
