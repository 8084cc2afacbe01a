"""A rebuild's replay: the log from its start to the rebuild's end, into the shadow tables.

Events a projection waits on are kept in memory and retried after each batch; those still
waiting at the end are parked for the live runner.
"""

from __future__ import annotations

from collections.abc import Callable

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from tandem_events.dedup import claim
from tandem_events.envelope import Envelope
from tandem_events.errors import EventError
from tandem_events.projection import Projection, ProjectionContext, WaitFor
from tandem_events.rebuild_swap import SHADOW


async def replay(
    pool: asyncpg.Pool,
    consumer: AIOKafkaConsumer,
    projection: Projection,
    shadows: dict[str, str],
    start: dict[TopicPartition, int],
    end: dict[TopicPartition, int],
    total: int,
    show_progress: bool,
) -> tuple[int, list[Envelope]]:
    """Apply the records before ``end`` to the shadows; returns the count and those waiting."""
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
