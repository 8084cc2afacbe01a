"""The outbox relay on the real servers: gap-free under out-of-order commits, one leader."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer
from aiokafka.structs import ConsumerRecord

from tandem_events.errors import ConcurrencyError
from tandem_events.kafka_producer import EventPublisher
from tandem_events.relay import Relay
from tandem_events.store import EventStore
from tandem_service.database import connect
from tandem_testkit.owner import CATALOG_LOGS, provision_logs

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
    await provision_logs(kafka_bootstrap, prefix, CATALOG_LOGS, dead_letters=True)
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


async def consume_records(
    bootstrap: str, topic: str, expected: int, timeout: float = 60
) -> list[ConsumerRecord[bytes, bytes]]:
    """Every record on ``topic``, read until ``expected`` arrived (or the timeout)."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest")
    await consumer.start()
    records: list[ConsumerRecord[bytes, bytes]] = []
    try:
        async with asyncio.timeout(timeout):
            while len(records) < expected:
                for batch in (await consumer.getmany(timeout_ms=1000)).values():
                    records.extend(batch)
    except TimeoutError:
        pass
    finally:
        await consumer.stop()
    return records


async def versions_on_kafka(
    pool: asyncpg.Pool, records: list[ConsumerRecord[bytes, bytes]]
) -> dict[str, list[int]]:
    """Per stream, the versions in the order Kafka holds them (one key, one partition)."""
    stored = {
        str(r["event_id"]): (r["stream_id"], r["version"])
        for r in await pool.fetch("SELECT event_id, stream_id, version FROM events")
    }
    seen: dict[str, list[int]] = {}
    for r in sorted(records, key=lambda r: (r.partition, r.offset)):
        stream, version = stored[dict(r.headers)["ce_id"].decode()]
        seen.setdefault(stream, []).append(version)
    return seen


async def test_a_transaction_that_wrote_first_and_appends_late_keeps_stream_order(
    pool: asyncpg.Pool, events_dsn: str, kafka_bootstrap: str, topic_name: Callable[[str], str]
) -> None:
    """Matching's withdrawal shape: write a person, then reload and append to a pair that
    another writer moved meanwhile. Kafka must carry the pair as v1, v2, v3."""
    prefix = topic_name("relay-interleave") + "."
    await provision_logs(kafka_bootstrap, prefix, CATALOG_LOGS, dead_letters=True)
    store = EventStore(pool, "/tandem/test")
    publisher = EventPublisher(kafka_bootstrap, topic_prefix=prefix)
    await publisher.start()
    relay = Relay(events_dsn, publisher)
    conn = await connect(events_dsn)
    try:
        await store.append("pair-s", 0, [check_in("pair-s", 1)])
        async with pool.acquire() as mine, mine.transaction():
            await store.append("person-o", 0, [check_in("person-o")], conn=mine)  # id taken
            await store.append("pair-s", 1, [check_in("pair-s", 2)])  # another writer, commits
            version = await mine.fetchval("SELECT version FROM streams WHERE stream_id = 'pair-s'")
            await store.append("pair-s", version, [check_in("pair-s", 3)], conn=mine)
        await relay_everything(relay, conn, pool)
    finally:
        await conn.close()
        await publisher.stop()
    records = await consume_records(kafka_bootstrap, prefix + "engagement.events", 4)
    seen = await versions_on_kafka(pool, records)
    assert seen == {"pair-s": [1, 2, 3], "person-o": [1]}


async def test_concurrent_multi_stream_transactions_on_hot_streams_keep_every_stream_in_order(
    pool: asyncpg.Pool, events_dsn: str, kafka_bootstrap: str, topic_name: Callable[[str], str]
) -> None:
    prefix = topic_name("relay-many") + "."
    await provision_logs(kafka_bootstrap, prefix, CATALOG_LOGS, dead_letters=True)
    store = EventStore(pool, "/tandem/test")
    publisher = EventPublisher(kafka_bootstrap, topic_prefix=prefix)
    await publisher.start()
    relay = Relay(events_dsn, publisher, batch_size=50, idle_seconds=0.001)
    await relay.start()
    rng = random.Random(7)
    hot = [f"pair-hot-{n}" for n in range(4)]

    async def transactions(w: int) -> None:
        # Each: a write of its own first (the transaction takes its id), a pause in which
        # others move the hot stream, then a reload-and-append to it; commits out of order.
        for i in range(25):
            stream = rng.choice(hot)
            while True:
                try:
                    async with pool.acquire() as conn, conn.transaction():
                        await store.append(f"person-{w}-{i}", 0, [check_in("x")], conn=conn)
                        await asyncio.sleep(rng.choice([0, 0.001, 0.01]))
                        version = await conn.fetchval(
                            "SELECT version FROM streams WHERE stream_id = $1", stream
                        )
                        await store.append(stream, version or 0, [check_in(stream)], conn=conn)
                        await asyncio.sleep(rng.choice([0, 0, 0.001, 0.02]))
                    break
                except ConcurrencyError:
                    continue

    async def plain(w: int) -> None:
        for _ in range(25):
            stream = rng.choice(hot)
            while True:
                try:
                    await store.append(stream, await store.version_of(stream), [check_in(stream)])
                    break
                except ConcurrencyError:
                    continue

    try:
        await asyncio.gather(*(transactions(w) for w in range(6)), *(plain(w) for w in range(4)))
        stored = await pool.fetchval("SELECT count(*) FROM events")
        assert stored == 6 * 25 * 2 + 4 * 25
        async with asyncio.timeout(60):
            while await relay.pending(pool) > 0:
                await asyncio.sleep(0.05)
    finally:
        await relay.stop()
        await publisher.stop()
    records = await consume_records(kafka_bootstrap, prefix + "engagement.events", stored)
    assert len(records) == stored, "every event exactly once in normal running"
    seen = await versions_on_kafka(pool, records)
    for stream, versions in seen.items():
        assert versions == list(range(1, len(versions) + 1)), stream


async def test_only_one_of_two_relays_publishes(
    pool: asyncpg.Pool, events_dsn: str, kafka_bootstrap: str, topic_name: Callable[[str], str]
) -> None:
    prefix = topic_name("relay-two") + "."
    await provision_logs(kafka_bootstrap, prefix, CATALOG_LOGS, dead_letters=True)
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


class CountingRelay(Relay):
    """Notes when each of its reads ran."""

    reads: list[float]

    async def _fetch(self, conn: asyncpg.Connection, tx_id: int, position: int) -> list[Any]:
        self.reads.append(time.monotonic())
        return await super()._fetch(conn, tx_id, position)


async def test_a_quiet_relay_reads_less_often_and_still_publishes_at_once(
    pool: asyncpg.Pool, events_dsn: str, kafka_bootstrap: str, topic_name: Callable[[str], str]
) -> None:
    prefix = topic_name("relay-quiet") + "."
    await provision_logs(kafka_bootstrap, prefix, CATALOG_LOGS, dead_letters=True)
    publisher = EventPublisher(kafka_bootstrap, topic_prefix=prefix)
    relay = CountingRelay(events_dsn, publisher, idle_seconds=0.02, quiet_seconds=0.1)
    relay.reads = []
    await publisher.start()
    await relay.start()
    try:
        async with asyncio.timeout(30):
            while not relay.is_leader:
                await asyncio.sleep(0.05)
        await asyncio.sleep(2.0)  # quiet: nothing appended
        last_second = [t for t in relay.reads if t > time.monotonic() - 1.0]
        assert len(last_second) <= 15, "a quiet relay reads about 10 times a second, not 50"
        await EventStore(pool, "/tandem/test").append("pair-q", 0, [check_in("pair-q")])
        async with asyncio.timeout(5):
            while await relay.pending(pool) > 0:
                await asyncio.sleep(0.02)
        assert relay.pace.empty_reads < relay.pace.patience, "rows bring back the short pace"
    finally:
        await relay.stop()
        await publisher.stop()
