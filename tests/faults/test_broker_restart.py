"""The broker dies (SIGKILL) or stops (SIGTERM) while the relay publishes, and comes back.

Writers keep appending through the outage. The relay and the projection runner must
recover on their own (no restart, no operator), nothing may be lost, and the projection
must end where a clean run would.
"""

from __future__ import annotations

import asyncio
import contextlib

import asyncpg
import pytest

from tandem_events.kafka_producer import EventPublisher, ensure_topics
from tandem_events.relay import Relay
from tandem_events.runner import ProjectionRunner
from tandem_events.store import EventStore
from tandem_testkit.pair_activity import PairActivity
from tandem_testkit.private_kafka import PrivateKafka

from .workload import (
    SOURCE,
    TOPICS,
    append_workload,
    ce_ids,
    expected_activity,
    projected_activity,
    read_topics,
    relay_caught_up,
    relay_pending,
    relay_published,
    runner_caught_up,
    stored_ids,
    wait_until,
)

PAIRS, CHECK_INS = 200, 30  # 6,200 events, appended over ~8 seconds
OUTAGE = 3.0  # seconds the broker stays down


@pytest.mark.parametrize("crash", ["kill", "stop"])
async def test_broker_down_and_back_while_publishing_loses_nothing(
    events_dsn: str,
    events_pool: asyncpg.Pool,
    activity_pool: asyncpg.Pool,
    private_kafka: PrivateKafka,
    crash: str,
) -> None:
    bootstrap = private_kafka.bootstrap
    await ensure_topics(bootstrap, list(TOPICS))  # so the runner is assigned both at once
    publisher = EventPublisher(bootstrap, client_id="faults-relay")
    await publisher.start()
    relay = Relay(events_dsn, publisher, batch_size=500, idle_seconds=0.01)
    runner = ProjectionRunner(activity_pool, bootstrap, PairActivity())
    await runner.start()
    await relay.start()
    store = EventStore(events_pool, SOURCE)
    appending = asyncio.create_task(
        append_workload(store, PAIRS, CHECK_INS, chunk=2, writers=4, pause=0.5)
    )
    try:
        await wait_until(lambda: _published_some(events_pool), 30, "the relay to publish")
        # kill: SIGKILL, unflushed log tail and no goodbye; stop: controlled shutdown.
        await asyncio.to_thread(getattr(private_kafka, crash))
        stored_at_crash = await _stored(events_pool)
        await asyncio.sleep(OUTAGE)
        assert not appending.done(), "the writers stopped before the outage ended"
        assert await _stored(events_pool) > stored_at_crash, "nothing appended while down"
        assert await relay_pending(events_pool) > 0, "the outage held nothing back"
        await asyncio.to_thread(private_kafka.restart)
        total = await appending
        await wait_until(
            lambda: relay_caught_up(events_pool),
            60,
            "the relay to publish everything after the broker came back",
        )
        records = await read_topics(bootstrap, list(TOPICS))
        ids = ce_ids(records)
        assert set(ids) == await stored_ids(events_pool), "events lost (or foreign ones seen)"
        assert len(set(ids)) == total
        await wait_until(
            lambda: runner_caught_up(activity_pool, len(ids)),
            60,
            "the projection runner to apply every record",
        )
    finally:
        appending.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await appending
        await relay.stop()
        await runner.stop()
        await publisher.stop()
    expected = await expected_activity(events_pool)
    projected = await projected_activity(activity_pool)
    duplicates = len(ids) - len(set(ids))
    wrong = {p: (n, expected.get(p)) for p, n in projected.items() if n != expected.get(p)}
    assert projected == expected, (
        f"{len(wrong)} pairs differ from a clean run after {duplicates} duplicates on the "
        f"topics (projected, expected), e.g. {dict(list(wrong.items())[:3])}"
    )


async def _published_some(pool: asyncpg.Pool) -> bool:
    return await relay_published(pool) > 0


async def _stored(pool: asyncpg.Pool) -> int:
    return int(await pool.fetchval("SELECT count(*) FROM events"))
