"""Multi-stream transactions on hot streams, through a relay killed (SIGKILL) and restarted.

Writers do what matching's withdrawal does (write one stream, then reload and append to a
stream others keep moving), plain writers contend on the same few hot streams through group
commit. Every caller may see a conflict and nothing else; Kafka must carry every stream in
version order (first copies), with nothing lost.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from pathlib import Path

import asyncpg

from tandem_events.errors import ConcurrencyError
from tandem_events.kafka_producer import ensure_topics
from tandem_events.store import EventStore

from .children import Child
from .workload import (
    SOURCE,
    TOPICS,
    ce_ids,
    check_in,
    read_topics,
    relay_caught_up,
    relay_published,
    stored_ids,
    wait_until,
)

HOT = [f"pair-hot-{n}" for n in range(4)]


async def test_stream_order_holds_through_interleaved_transactions_and_a_relay_kill(
    events_dsn: str,
    events_pool: asyncpg.Pool,
    kafka_bootstrap: str,
    topic_name: Callable[[str], str],
    tmp_path: Path,
) -> None:
    prefix = topic_name("stream-order") + "."
    topics = [prefix + t for t in TOPICS]
    await ensure_topics(kafka_bootstrap, topics)
    relay = Child("relay_child.py", [events_dsn, kafka_bootstrap, prefix, "50"], tmp_path / "r.log")
    store = EventStore(events_pool, SOURCE)
    rng = random.Random(3)
    failures: list[BaseException] = []

    async def withdrawal(w: int) -> None:
        for i in range(40):
            hot = rng.choice(HOT)
            while True:
                try:
                    async with events_pool.acquire() as conn, conn.transaction():
                        await store.append(f"person-{w}-{i}", 0, [check_in("p", 1)], conn=conn)
                        await asyncio.sleep(rng.choice([0, 0.002, 0.01]))
                        version = await conn.fetchval(
                            "SELECT version FROM streams WHERE stream_id = $1", hot
                        )
                        await store.append(hot, version or 0, [check_in(hot, 1)], conn=conn)
                    break
                except ConcurrencyError:
                    continue

    async def plain() -> None:
        for _ in range(60):
            hot = rng.choice(HOT)
            while True:
                try:
                    await store.append(hot, await store.version_of(hot), [check_in(hot, 1)])
                    break
                except ConcurrencyError:
                    continue

    async def guarded(work: asyncio.Future[None] | asyncio.Task[None]) -> None:
        try:
            await work
        except Exception as exc:  # anything but a conflict reaching a caller fails the test
            failures.append(exc)

    relay.start()
    try:
        writing = asyncio.gather(
            *(guarded(asyncio.ensure_future(withdrawal(w))) for w in range(6)),
            *(guarded(asyncio.ensure_future(plain())) for _ in range(6)),
        )
        await wait_until(lambda: _published_some(events_pool), 60, "the relay to publish")
        relay.kill()
        relay.start()
        await writing
        assert not failures, f"callers saw more than conflicts: {failures[:3]}"
        await wait_until(lambda: relay_caught_up(events_pool), 90, "the relay to catch up")
    finally:
        relay.kill()
    records = await read_topics(kafka_bootstrap, topics)
    assert set(ce_ids(records)) == await stored_ids(events_pool)
    stored = {
        str(r["event_id"]): (r["stream_id"], r["version"])
        for r in await events_pool.fetch("SELECT event_id, stream_id, version FROM events")
    }
    first: dict[str, list[int]] = {}
    seen: set[str] = set()
    for event_id in ce_ids(records):  # partition by partition, in offset order
        if event_id not in seen:
            seen.add(event_id)
            stream, version = stored[event_id]
            first.setdefault(stream, []).append(version)
    for stream, versions in first.items():
        assert versions == list(range(1, len(versions) + 1)), f"{stream}: {versions[:20]}"


async def _published_some(pool: asyncpg.Pool) -> bool:
    return await relay_published(pool) >= 100
