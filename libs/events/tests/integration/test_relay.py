"""The outbox relay on the real servers: gap-free under out-of-order commits, one leader."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable

import asyncpg
from aiokafka import AIOKafkaConsumer

from tandem_events.kafka_producer import EventPublisher
from tandem_events.relay import Relay
from tandem_events.store import EventStore
from tandem_service.database import connect

from ..conftest import check_in
from .conftest import relay_everything


async def consume_ids(bootstrap: str, topic: str, expected: int, timeout: float = 60) -> list[str]:
    """Every ce_id on ``topic`` (duplicates kept), read until ``expected`` distinct ids arrive."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest")
    await consumer.start()
    ids: list[str] = []
    try:
        async with asyncio.timeout(timeout):
            while len(set(ids)) < expected:
                for records in (await consumer.getmany(timeout_ms=1000)).values():
                    ids.extend(dict(r.headers)["ce_id"].decode() for r in records)
    except TimeoutError:
        pass
    finally:
        await consumer.stop()
    return ids


async def test_commits_out_of_sequence_order_are_all_published(
    pool: asyncpg.Pool, events_dsn: str, kafka_bootstrap: str, topic_name: Callable[[str], str]
) -> None:
    prefix = topic_name("relay") + "."
    store = EventStore(pool, "/tandem/test")
    publisher = EventPublisher(kafka_bootstrap, topic_prefix=prefix)
    await publisher.start()
    relay = Relay(events_dsn, publisher)
    conn = await connect(events_dsn)
    slow = await pool.acquire()
    try:
        # A takes the lower position and transaction id, then stays open...
        tx_a = slow.transaction()
        await tx_a.start()
        await store.append("pair-a", 0, [check_in("pair-a")], conn=slow)
        # ...while B, numbered after it, commits first.
        await store.append("pair-b", 0, [check_in("pair-b")])
        progress = await relay.relay_once(conn, 0, 0)
        assert progress is None, "nothing may pass an open transaction that could still commit"
        await tx_a.commit()
        await relay_everything(relay, conn, pool)
        positions = await conn.fetch("SELECT position FROM events ORDER BY position")
        assert len(positions) == 2
    finally:
        await pool.release(slow)
        await conn.close()
        await publisher.stop()
    ids = await consume_ids(kafka_bootstrap, prefix + "engagement.events", 2)
    assert len(set(ids)) == 2


async def test_many_concurrent_writers_with_interleaved_commits_lose_nothing(
    pool: asyncpg.Pool, events_dsn: str, kafka_bootstrap: str, topic_name: Callable[[str], str]
) -> None:
    prefix = topic_name("relay-many") + "."
    store = EventStore(pool, "/tandem/test")
    publisher = EventPublisher(kafka_bootstrap, topic_prefix=prefix)
    await publisher.start()
    relay = Relay(events_dsn, publisher, batch_size=50, idle_seconds=0.001)
    await relay.start()
    rng = random.Random(7)

    async def writer(w: int) -> None:
        for i in range(40):
            async with pool.acquire() as conn, conn.transaction():
                await store.append(f"pair-{w}-{i}", 0, [check_in(f"pair-{w}-{i}")], conn=conn)
                # Hold some transactions open so commits land out of position order.
                await asyncio.sleep(rng.choice([0, 0, 0.001, 0.01, 0.03]))

    try:
        await asyncio.gather(*(writer(w) for w in range(8)))
        stored = await pool.fetchval("SELECT count(*) FROM events")
        assert stored == 320
        async with asyncio.timeout(60):
            while await relay.pending(pool) > 0:
                await asyncio.sleep(0.05)
    finally:
        await relay.stop()
        await publisher.stop()
    ids = await consume_ids(kafka_bootstrap, prefix + "engagement.events", 320)
    assert len(set(ids)) == 320
    assert len(ids) == 320, "no duplicates in normal running"


async def test_only_one_of_two_relays_publishes(
    pool: asyncpg.Pool, events_dsn: str, kafka_bootstrap: str, topic_name: Callable[[str], str]
) -> None:
    prefix = topic_name("relay-two") + "."
    store = EventStore(pool, "/tandem/test")
    publishers = [EventPublisher(kafka_bootstrap, topic_prefix=prefix) for _ in range(2)]
    relays = [Relay(events_dsn, p, batch_size=10, idle_seconds=0.001) for p in publishers]
    for p in publishers:
        await p.start()
    for r in relays:
        await r.start()
    try:
        for i in range(100):
            await store.append(f"pair-{i}", 0, [check_in(f"pair-{i}")])
        async with asyncio.timeout(60):
            while await relays[0].pending(pool) > 0:
                await asyncio.sleep(0.05)
        assert sum(r.is_leader for r in relays) == 1
    finally:
        for r in relays:
            await r.stop()
        for p in publishers:
            await p.stop()
    ids = await consume_ids(kafka_bootstrap, prefix + "engagement.events", 100)
    assert len(ids) == len(set(ids)) == 100
