"""Projection catch-up (``projection_eps``): a ProjectionRunner over 1,000,000 events.

First publishes N CheckInLogged records (CloudEvents binary mode, prebuilt headers and
values, raw aiokafka record batches; not timed) to a fresh prefixed topic, then times a
``ProjectionRunner`` from ``start()`` until the offsets it stores in PostgreSQL (in the same
transaction as the projected rows) reach the end of every partition: lag 0. The projection
upserts one row per aggregate per event.


    .venv/bin/python bench/events/projection.py [--quick] [--events N]
"""

from __future__ import annotations

import asyncio
import functools
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    Timer,
    console,
    finish,
    kafka_bootstrap,
    parser,
    progress,
    run_id,
    scratch_database,
)
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from tandem_events.catalog.base import DomainEvent
from tandem_events.catalog.engagement import CheckInLogged
from tandem_events.envelope import Envelope
from tandem_events.kafka_producer import ensure_topics
from tandem_events.projection import ProjectionContext
from tandem_events.runner import ProjectionRunner
from tandem_service.database import create_pool

PARTITIONS = 3
TOPIC = "engagement.events"
TABLE = "bench_pair_check_ins"


class PairCheckIns:
    """Check-ins per pair: one upsert keyed by the aggregate (pair) id per event."""

    topics = (TOPIC,)
    tables = (TABLE,)

    def __init__(self, name: str) -> None:
        self.name = name

    async def apply(self, ctx: ProjectionContext, event: DomainEvent, envelope: Envelope) -> None:
        assert isinstance(event, CheckInLogged)
        await ctx.conn.execute(_upsert(ctx.table(TABLE)), *_row(event))


_UPSERT = (
    "INSERT INTO {table} (pair_id, check_ins, minutes, last_check_in) VALUES ($1, 1, $2, $3) "
    "ON CONFLICT (pair_id) DO UPDATE SET check_ins = {table}.check_ins + 1, "
    "minutes = {table}.minutes + EXCLUDED.minutes, last_check_in = EXCLUDED.last_check_in"
)


@functools.lru_cache(maxsize=8)
def _upsert(table: str) -> str:
    return _UPSERT.format(table=table)


def _row(event: CheckInLogged) -> tuple[str, int, str]:
    return event.pair_id, event.duration_minutes, event.check_in_id


async def publish(bootstrap: str, topic: str, events: int, aggregates: int, bar: Any) -> None:
    """Put ``events`` records on ``topic`` as fast as the client allows."""
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        acks=1,
        linger_ms=20,
        max_batch_size=1024 * 1024,
        max_request_size=4 * 1024 * 1024,
    )
    await producer.start()
    task = bar.add_task("publish (not timed)", total=events, rate="")
    try:
        partitions = sorted(await producer.partitions_for(topic))
        common = [
            ("ce_specversion", b"1.0"),
            ("ce_type", CheckInLogged.type_name().encode()),
            ("ce_source", b"/tandem/bench"),
            ("ce_time", b"2026-11-24T09:00:00+00:00"),
            ("content-type", b"application/json"),
        ]
        keys = [f"pair-{a}".encode() for a in range(aggregates)]
        step = 50_000
        for start in range(0, events, step):
            builders: dict[int, list[Any]] = {p: [producer.create_batch()] for p in partitions}
            for i in range(start, min(events, start + step)):
                a = i % aggregates
                key = keys[a]
                value = (
                    b'{"occurred_at":"2026-11-24T09:00:00Z","actor_id":"p-1","pair_id":"'
                    + key
                    + b'","check_in_id":"'
                    + key
                    + b"-c"
                    + str(i).encode()
                    + b'","met_on":"2026-11-24","duration_minutes":30,"note":null}'
                )
                headers = [*common, ("ce_id", b"bench-%d" % i), ("ce_subject", key)]
                batches = builders[partitions[a % len(partitions)]]
                if (
                    batches[-1].append(key=key, value=value, timestamp=None, headers=headers)
                    is None
                ):
                    batches.append(producer.create_batch())
                    batches[-1].append(key=key, value=value, timestamp=None, headers=headers)
            acks = []
            for p, batches in builders.items():
                for b in batches:
                    acks.append(await producer.send_batch(b, topic, partition=p))
            await asyncio.gather(*acks)
            bar.update(task, completed=min(events, start + step))
    finally:
        await producer.stop()


async def end_offsets(bootstrap: str, topic: str) -> dict[int, int]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await consumer.start()
    try:
        tps = [TopicPartition(topic, p) for p in range(PARTITIONS)]
        return {tp.partition: off for tp, off in (await consumer.end_offsets(tps)).items()}
    finally:
        await consumer.stop()


async def catch_up(
    dsn: str, bootstrap: str, prefix: str, events: int, label: str, runner_class: type, bar: Any
) -> float:
    """Time one runner from start until its stored offsets reach the end of the topic."""
    name = f"bench_{label}_{run_id()}"
    pool = await create_pool(dsn, max_size=4)
    async with pool.acquire() as conn:
        await conn.execute(f"DROP TABLE IF EXISTS {TABLE}")
        await conn.execute(
            f"CREATE TABLE {TABLE} (pair_id text PRIMARY KEY, check_ins bigint NOT NULL, "
            "minutes bigint NOT NULL, last_check_in text NOT NULL)"
        )
    runner = runner_class(pool, bootstrap, PairCheckIns(name), group_id=name, topic_prefix=prefix)
    task = bar.add_task(f"{label} catch-up", total=events, rate="")
    try:
        timer = Timer()
        await runner.start()
        while True:
            async with pool.acquire() as conn:
                done = int(
                    await conn.fetchval(
                        "SELECT coalesce(sum(next_offset), 0) FROM projection_offsets "
                        "WHERE projection = $1",
                        name,
                    )
                )
            bar.update(task, completed=done, rate=f"{done / timer.elapsed():,.0f} ev/s")
            if done >= events:
                break
            await asyncio.sleep(0.2)
        elapsed = timer.elapsed()
    finally:
        await runner.stop()
    async with pool.acquire() as conn:
        total = int(await conn.fetchval(f"SELECT sum(check_ins) FROM {TABLE}"))
    await pool.close()
    if total != events:
        raise SystemExit(f"{label}: projected {total} check-ins, expected {events}")
    return events / elapsed


async def measure(dsn: str, events: int, aggregates: int, bar: Any) -> dict[str, Any]:
    bootstrap = kafka_bootstrap()
    prefix = f"bench.{run_id()}."
    await ensure_topics(bootstrap, [prefix + TOPIC], partitions=PARTITIONS)
    await publish(bootstrap, prefix + TOPIC, events, aggregates, bar)
    ends = await end_offsets(bootstrap, prefix + TOPIC)
    assert sum(ends.values()) == events, ends
    out = {
        "projection_eps": round(
            await catch_up(dsn, bootstrap, prefix, events, "runner", ProjectionRunner, bar), 1
        )
    }
    return out


def main(argv: list[str] | None = None) -> dict[str, Any]:
    p = parser(__doc__ or "")
    p.add_argument("--events", type=int, default=None)
    p.add_argument("--aggregates", type=int, default=10_000)
    args = p.parse_args(argv)
    events = args.events or (5_000 if args.quick else 1_000_000)
    aggregates = min(args.aggregates, events)
    with scratch_database("bench_events") as dsn, progress() as bar:
        figures = asyncio.run(measure(dsn, events, aggregates, bar))
    detail = {
        "projection": {
            "events": events,
            "aggregates": aggregates,
            "partitions": PARTITIONS,
            "note": "",
        }
    }
    console.print(figures)
    finish(args, figures, detail)
    return figures


if __name__ == "__main__":
    os.environ.setdefault("OTEL_SDK_DISABLED", "true")
    main()
