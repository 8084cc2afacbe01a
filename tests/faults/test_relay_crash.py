"""The relay is killed (SIGKILL) in the middle of a batch and restarted.

Nothing may be lost or published twice (the restarted relay finds what the killed one left
on the log unrecorded: ADR 0036), per-pair order must hold, and a projection fed from the
topics must end exactly where a clean run would.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import asyncpg
import orjson
from aiokafka import AIOKafkaConsumer

from tandem_events.kafka_producer import ensure_topics
from tandem_events.runner import ProjectionRunner
from tandem_events.store import EventStore
from tandem_testkit.pair_activity import PairActivity

from .children import Child
from .workload import (
    SOURCE,
    TOPICS,
    Record,
    append_workload,
    ce_ids,
    expected_activity,
    partitions,
    projected_activity,
    read_topics,
    relay_caught_up,
    relay_published,
    runner_caught_up,
    stored_ids,
    wait_until,
)

PAIRS, CHECK_INS = 400, 49  # 20,000 events
BATCH = 1000
BACKLOG = 5 * BATCH


async def test_relay_killed_mid_batch_resumes_without_loss(
    events_dsn: str,
    events_pool: asyncpg.Pool,
    activity_pool: asyncpg.Pool,
    kafka_bootstrap: str,
    topic_name: Callable[[str], str],
    tmp_path: Path,
) -> None:
    prefix = topic_name("relay-kill") + "."
    topics = [prefix + t for t in TOPICS]
    await ensure_topics(kafka_bootstrap, topics)  # high watermarks readable from the start
    relay = Child(
        "relay_child.py", [events_dsn, kafka_bootstrap, prefix, str(BATCH)], tmp_path / "relay.log"
    )
    runner = ProjectionRunner(
        activity_pool,
        kafka_bootstrap,
        PairActivity(),
        group_id=prefix + "activity",
        topic_prefix=prefix,
    )
    store = EventStore(events_pool, SOURCE)
    appending = asyncio.create_task(append_workload(store, PAIRS, CHECK_INS, chunk=7))
    await runner.start()  # the projection follows the topics through the crash
    try:
        # Start behind the writers, so the relay is busy with full batches when killed.
        await wait_until(lambda: _at_least(events_pool, BACKLOG), 30, "a backlog to build up")
        relay.start()
        on_wire = await kill_after_publish_before_save(relay, events_pool, kafka_bootstrap, topics)
        relay.start()
        total = await appending
        await wait_until(
            lambda: relay_caught_up(events_pool), 60, "the restarted relay to publish everything"
        )
        records = await read_topics(kafka_bootstrap, topics)

        # No loss, nothing foreign.
        ids = ce_ids(records)
        assert set(ids) == await stored_ids(events_pool)
        assert len(set(ids)) == total
        # The kill left records on the log unrecorded; none of them may be published again.
        duplicates = len(ids) - len(set(ids))
        assert 0 < on_wire <= BATCH
        assert duplicates == 0, (
            f"{duplicates} copies after {on_wire} records were published and left unrecorded "
            "at the kill"
        )
        assert_pair_order(records)

        # The projection converges to what the store says, as after a clean run.
        await wait_until(
            lambda: runner_caught_up(activity_pool, len(ids)),
            60,
            "the projection runner to apply every record",
        )
    finally:
        relay.kill()
        appending.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await appending
        await runner.stop()
    expected = await expected_activity(events_pool)
    projected = await projected_activity(activity_pool)
    wrong = {p: (n, expected.get(p)) for p, n in projected.items() if n != expected.get(p)}
    assert projected == expected, (
        f"{len(wrong)} pairs differ from a clean run after {duplicates} relay duplicates "
        f"(projected, expected), e.g. {dict(list(wrong.items())[:3])}"
    )


async def kill_after_publish_before_save(
    relay: Child, pool: asyncpg.Pool, bootstrap: str, topics: list[str]
) -> int:
    """SIGKILL the relay at a moment when the broker holds records it has not recorded as
    published; returns how many. Found by freezing it at random points (SIGSTOP) and
    looking, so the kill lands in that window every time rather than by luck."""
    tps = await partitions(bootstrap, topics)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await consumer.start()
    jitter = random.Random(4)
    try:
        async with asyncio.timeout(45):
            while True:
                assert relay.alive, f"the relay child died on its own:\n{relay.output()}"
                await asyncio.sleep(jitter.uniform(0.001, 0.03))
                if await relay_published(pool) < BATCH:
                    continue  # resuming from recorded progress is the point: wait for some
                relay.pause()
                # Requests already sent still land (the broker appends, PostgreSQL commits);
                # after that, both counts stand still until we decide.
                await asyncio.sleep(0.1)
                on_broker = sum((await consumer.end_offsets(tps)).values())
                recorded = await relay_published(pool)
                if on_broker > recorded:
                    relay.kill()
                    return on_broker - recorded
                relay.resume()
    finally:
        await consumer.stop()


def assert_pair_order(records: list[Record]) -> None:
    """Within each pair, the first copy of every check-in arrives in check-in order."""
    seen: set[str] = set()
    order: dict[str, list[int]] = defaultdict(list)
    for r in records:
        event_id = dict(r.headers)["ce_id"].decode()
        if event_id in seen or not r.topic.endswith("engagement.events"):
            continue
        seen.add(event_id)
        check_in_id = orjson.loads(r.value or b"{}")["check_in_id"]
        pair, n = check_in_id.rsplit("-c", 1)
        order[pair].append(int(n))
    for pair, numbers in order.items():
        assert numbers == sorted(numbers), f"{pair} check-ins out of order: {numbers}"


async def _at_least(pool: asyncpg.Pool, events: int) -> bool:
    return bool(await pool.fetchval("SELECT count(*) FROM events") >= events)
