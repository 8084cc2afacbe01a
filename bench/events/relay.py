"""Store -> relay -> Kafka throughput (``relay_eps``).

Pre-inserts N CheckInLogged events straight into the store's tables (fast, server-side, not
timed), then times ``Relay`` from ``start()`` until ``pending() == 0``: the relay records its
progress only after the broker acknowledged the batch (``acks=all``, idempotent producer), so
that moment means every event is on the broker. The topic's end offsets are checked after.

    .venv/bin/python bench/events/relay.py [--quick] [--events N]
"""

from __future__ import annotations

import asyncio
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
from aiokafka import AIOKafkaConsumer, TopicPartition

from tandem_events.kafka_producer import EventPublisher, ensure_topics
from tandem_events.relay import Relay
from tandem_service.database import connect, create_pool

PARTITIONS = 3
TOPIC = "engagement.events"

_SEED = """
INSERT INTO events (event_id, stream_id, version, event_type, source, topic, record_key,
                    occurred_at, payload)
SELECT gen_random_uuid(), 'pair-' || (g % $3), g / $3 + 1,
       'tandem.engagement.CheckInLogged.v1', '/tandem/bench', 'engagement.events',
       'pair-' || (g % $3), timestamptz '2026-11-24 09:00:00+00',
       jsonb_build_object(
           'occurred_at', '2026-11-24T09:00:00Z', 'actor_id', 'p-1',
           'pair_id', 'pair-' || (g % $3), 'check_in_id', 'pair-' || (g % $3) || '-c' || g,
           'met_on', '2026-11-24', 'duration_minutes', 30, 'note', null)
FROM generate_series($1::bigint, $2::bigint - 1) AS g
"""


async def seed(dsn: str, events: int, streams: int, bar: Any) -> None:
    """Insert ``events`` events over ``streams`` streams, in chunks (several transactions)."""
    conn = await connect(dsn)
    try:
        task = bar.add_task("seed the store", total=events, rate="")
        chunk = 50_000
        for start in range(0, events, chunk):
            end = min(events, start + chunk)
            await conn.execute(_SEED, start, end, streams)
            bar.advance(task, end - start)
        await conn.execute(
            "INSERT INTO streams (stream_id, version) SELECT stream_id, max(version) "
            "FROM events GROUP BY stream_id"
        )
        await conn.execute("ANALYZE events")
    finally:
        await conn.close()


async def end_offsets(bootstrap: str, topic: str) -> int:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await consumer.start()
    try:
        tps = [TopicPartition(topic, p) for p in range(PARTITIONS)]
        return sum((await consumer.end_offsets(tps)).values())
    finally:
        await consumer.stop()


async def measure(dsn: str, events: int, batch_size: int, bar: Any) -> dict[str, Any]:
    bootstrap = kafka_bootstrap()
    prefix = f"bench.{run_id()}."
    await ensure_topics(bootstrap, [prefix + TOPIC], partitions=PARTITIONS)
    await seed(dsn, events, max(1, events // 10), bar)
    pool = await create_pool(dsn, max_size=2)
    publisher = EventPublisher(bootstrap, client_id="bench-relay", topic_prefix=prefix)
    await publisher.start()
    relay = Relay(dsn, publisher, name="bench", batch_size=batch_size, idle_seconds=0.005)
    task = bar.add_task("relay -> Kafka", total=events, rate="")
    try:
        timer = Timer()
        await relay.start()
        while (left := await relay.pending(pool)) > 0:
            bar.update(
                task, completed=events - left, rate=f"{(events - left) / timer.elapsed():,.0f} ev/s"
            )
            await asyncio.sleep(0.1)
        elapsed = timer.elapsed()
        bar.update(task, completed=events, rate=f"{events / elapsed:,.0f} ev/s")
    finally:
        await relay.stop()
        await publisher.stop()
        await pool.close()
    on_broker = await end_offsets(bootstrap, prefix + TOPIC)
    if on_broker < events:
        raise SystemExit(f"only {on_broker} of {events} events reached the broker")
    return {
        "relay_eps": round(events / elapsed, 1),
        "seconds": round(elapsed, 2),
        "on_broker": on_broker,
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    p = parser(__doc__ or "")
    p.add_argument("--events", type=int, default=None)
    p.add_argument("--batch-size", type=int, default=5000)
    args = p.parse_args(argv)
    events = args.events or (10_000 if args.quick else 200_000)
    with scratch_database("bench_events") as dsn, progress() as bar:
        result = asyncio.run(measure(dsn, events, args.batch_size, bar))
    console.print(f"{result['on_broker']:,} records on the broker, {result['seconds']} s")
    figures = {"relay_eps": result["relay_eps"]}
    detail = {
        "relay": {
            "events": events,
            "streams": max(1, events // 10),
            "batch_size": args.batch_size,
            "partitions": PARTITIONS,
            "seconds": result["seconds"],
            "note": "",
        }
    }
    finish(args, figures, detail)
    return figures


if __name__ == "__main__":
    os.environ.setdefault("OTEL_SDK_DISABLED", "true")
    main()
