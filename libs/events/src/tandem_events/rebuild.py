"""Rebuilding a projection from the log into shadow tables, swapped in at the end.

The live tables keep serving (and the live runner keeps applying) while the shadow fills.
The swap is one transaction: shadows take the live names, the stored offsets become the
rebuild's, and the live runner's next compare-and-set fails, so it re-seeks from there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from tandem_events.dedup import claim
from tandem_events.envelope import Envelope
from tandem_events.errors import EventError
from tandem_events.projection import Projection, ProjectionContext, WaitFor

SHADOW = "{}__rebuild"
RETIRED = "{}__retired"


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
            await _swap(pool, projection, shadows, {}, [])
            return 0
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        start = await consumer.beginning_offsets(partitions)
        end = await consumer.end_offsets(partitions)
        total = sum(end[tp] - start[tp] for tp in partitions)
        applied, parked = await _replay(
            pool, consumer, projection, shadows, start, end, total, show_progress
        )
    finally:
        await consumer.stop()
    if swap:
        await _swap(pool, projection, shadows, end, parked)
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


async def _replay(
    pool: asyncpg.Pool,
    consumer: AIOKafkaConsumer,
    projection: Projection,
    shadows: dict[str, str],
    start: dict[TopicPartition, int],
    end: dict[TopicPartition, int],
    total: int,
    show_progress: bool,
) -> tuple[int, list[Envelope]]:
    applied = 0
    parked: list[Envelope] = []
    done: Callable[[], bool] = lambda: all(  # noqa: E731
        positions[tp] >= end[tp] for tp in end
    )
    # From the log's start: a partition whose start equals its end (empty, or emptied by
    # retention above offset 0) is done before anything is fetched.
    positions: dict[TopicPartition, int] = {tp: start[tp] for tp in end}
    columns = [
        TextColumn(f"rebuild {projection.name}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    ]
    with Progress(*columns, disable=not show_progress) as progress:
        task = progress.add_task("replay", total=total)
        while not done():
            batches = await consumer.getmany(timeout_ms=1000, max_records=5000)
            wanted = [r for tp, records in batches.items() for r in records if r.offset < end[tp]]
            for tp, records in batches.items():
                positions[tp] = records[-1].offset + 1
            async with pool.acquire() as conn, conn.transaction():
                ctx = ProjectionContext(conn, shadows)
                envelopes = []
                for record in wanted:
                    try:
                        envelopes.append(
                            Envelope.from_record(
                                record.topic, record.key, record.value, record.headers
                            )
                        )
                    except EventError:
                        continue  # already dead-lettered by the live runner
                firsts = await claim(
                    conn, SHADOW.format(projection.name), [e.id for e in envelopes]
                )
                for envelope, first in zip(envelopes, firsts, strict=True):
                    if not first:
                        continue  # a copy republished after a relay crash
                    try:
                        applied += await _apply(ctx, projection, envelope, parked)
                    except EventError:
                        continue
                for envelope in list(parked):
                    if await _apply(ctx, projection, envelope, None):
                        parked.remove(envelope)
                        applied += 1
            progress.update(task, advance=len(wanted))
    return applied, parked


async def _apply(
    ctx: ProjectionContext,
    projection: Projection,
    envelope: Envelope,
    parked: list[Envelope] | None,
) -> int:
    try:
        async with ctx.conn.transaction():
            await projection.apply(ctx, envelope.event(), envelope)
    except WaitFor:
        if parked is not None:
            parked.append(envelope)
        return 0
    return 1


async def _swap(
    pool: asyncpg.Pool,
    projection: Projection,
    shadows: dict[str, str],
    end: dict[TopicPartition, int],
    parked: list[Envelope],
) -> None:
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
