"""An upstream relay stalls (SIGSTOP) while a consumer holds an event that waits for it.

Matching's relay is frozen after it committed a pair; engagement's relay keeps publishing,
including a check-in for that pair. The consumer parks the check-in and loops hundreds of
times meanwhile (busy with other pairs); once the stalled relay resumes, the check-in is
applied. A stall shorter than the horizon is latency, never loss.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import asyncpg

from tandem_events import STORE_MIGRATIONS
from tandem_events.kafka_producer import ensure_topics
from tandem_events.runner import ProjectionRunner
from tandem_events.store import EventStore
from tandem_service.database import create_pool
from tandem_testkit.databases import DatabaseFactory
from tandem_testkit.pair_activity import PairActivity

from .children import Child
from .workload import SOURCE, TOPICS, check_in, pair_created, wait_until

BUSY = 300


async def test_a_stalled_upstream_relay_delays_a_parked_event_but_never_loses_it(
    events_pool: asyncpg.Pool,
    events_dsn: str,
    activity_pool: asyncpg.Pool,
    database_factory: DatabaseFactory,
    kafka_bootstrap: str,
    topic_name: Callable[[str], str],
    tmp_path: Path,
) -> None:
    prefix = topic_name("stalled") + "."
    await ensure_topics(kafka_bootstrap, [prefix + t for t in TOPICS])
    matching_dsn = database_factory.create([STORE_MIGRATIONS], prefix="faults_matching")
    matching_pool = await create_pool(matching_dsn)
    args = [kafka_bootstrap, prefix, "100"]
    upstream = Child("relay_child.py", [matching_dsn, *args], tmp_path / "matching.log")
    local = Child("relay_child.py", [events_dsn, *args], tmp_path / "engagement.log")
    matching, engagement = EventStore(matching_pool, SOURCE), EventStore(events_pool, SOURCE)
    runner = ProjectionRunner(
        activity_pool,
        kafka_bootstrap,
        PairActivity(),
        group_id=prefix + "activity",
        topic_prefix=prefix,
        park_horizon=timedelta(hours=1),
        park_recheck=timedelta(milliseconds=10),
    )
    upstream.start()
    local.start()
    await runner.start()
    try:
        await matching.append("pair-busy", 0, [pair_created("pair-busy")])
        await wait_until(lambda: _check_ins(activity_pool, "pair-busy", 0), 60, "pair-busy")
        upstream.pause()  # the stall: committed upstream, not published
        await matching.append("pair-late", 0, [pair_created("pair-late")])
        await engagement.append("pair-late", 0, [check_in("pair-late", 1)])
        await wait_until(lambda: _parked(activity_pool), 60, "the check-in to be parked")
        for n in range(1, BUSY + 1):  # the runner keeps looping over fresh records
            await engagement.append("pair-busy", n - 1, [check_in("pair-busy", n)])
            await asyncio.sleep(0.01)
        await wait_until(lambda: _check_ins(activity_pool, "pair-busy", BUSY), 90, "busy pair")
        assert await _parked(activity_pool), "still waiting, not dead-lettered"
        upstream.resume()
        await wait_until(lambda: _check_ins(activity_pool, "pair-late", 1), 60, "the late pair")
    finally:
        upstream.kill()
        local.kill()
        await runner.stop()
        await matching_pool.close()
        database_factory.drop(matching_dsn)
    assert await activity_pool.fetchval("SELECT count(*) FROM projection_dead_letters") == 0


async def _check_ins(pool: asyncpg.Pool, pair_id: str, expected: int) -> bool:
    found = await pool.fetchval("SELECT check_ins FROM pair_activity WHERE pair_id = $1", pair_id)
    return bool(found == expected)


async def _parked(pool: asyncpg.Pool) -> bool:
    return bool(await pool.fetchval("SELECT count(*) FROM projection_parked") == 1)
