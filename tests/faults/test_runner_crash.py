"""The projection runner is killed (SIGKILL) in the middle of a backlog and restarted.

Offsets and effects commit in one PostgreSQL transaction, so whatever batch the kill cut
short is rolled back and redone: the final state must equal the expected one exactly,
with no check-in counted twice or lost.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import asyncpg

from tandem_events.envelope import Envelope
from tandem_events.kafka_producer import EventPublisher, ensure_topics

from .children import Child
from .workload import SOURCE, TOPICS, check_in, pair_created, projected_activity, wait_until

PAIRS, CHECK_INS = 400, 49  # 20,000 records


async def test_runner_killed_mid_backlog_applies_every_event_exactly_once(
    activity_dsn: str,
    activity_pool: asyncpg.Pool,
    kafka_bootstrap: str,
    topic_name: Callable[[str], str],
    tmp_path: Path,
) -> None:
    prefix = topic_name("runner-kill") + "."
    await ensure_topics(kafka_bootstrap, [prefix + t for t in TOPICS])
    total = await publish_backlog(kafka_bootstrap, prefix)
    runner = Child(
        "runner_child.py",
        [activity_dsn, kafka_bootstrap, prefix, prefix + "group"],
        tmp_path / "runner.log",
    )
    runner.start()
    try:
        # Kill well inside the backlog: some batches committed, most still to come.
        await wait_until(
            lambda: _applied_between(activity_pool, total // 5, total // 2, runner),
            45,
            "the runner to be partway through the backlog",
            every=0.02,
        )
        runner.kill()
        at_kill = await _applied(activity_pool)
        assert at_kill < total, "the runner finished before it could be killed"
        runner.start()  # same consumer group: it must resume from the database's offsets
        await wait_until(
            lambda: _done(activity_pool, total, runner),
            180,  # a bound on convergence on a loaded 2-core machine; the check is exactness
            "the restarted runner to apply the whole backlog",
        )
    finally:
        runner.kill()
    projected = await projected_activity(activity_pool)
    expected = {f"pair-{p}": CHECK_INS for p in range(PAIRS)}
    wrong = {p: (n, expected.get(p)) for p, n in projected.items() if n != expected.get(p)}
    assert projected == expected, (
        f"{len(wrong)} pairs wrong after a kill at {at_kill}/{total} applied "
        f"(projected, expected), e.g. {dict(list(wrong.items())[:3])}"
    )


async def publish_backlog(bootstrap: str, prefix: str) -> int:
    """Every pair, then every check-in, straight onto the topics; returns the record count."""
    publisher = EventPublisher(bootstrap, client_id="faults-backlog", topic_prefix=prefix)
    await publisher.start()
    try:
        pairs = [Envelope.wrap(pair_created(f"pair-{p}"), SOURCE) for p in range(PAIRS)]
        await publisher.publish(pairs)
        for n in range(1, CHECK_INS + 1, 7):
            await publisher.publish(
                [
                    Envelope.wrap(check_in(f"pair-{p}", i), SOURCE)
                    for p in range(PAIRS)
                    for i in range(n, min(n + 7, CHECK_INS + 1))
                ]
            )
    finally:
        await publisher.stop()
    return PAIRS * (1 + CHECK_INS)


async def _applied(pool: asyncpg.Pool) -> int:
    """Records whose effect is committed (the stored offsets say where each partition is)."""
    return int(await pool.fetchval("SELECT coalesce(sum(next_offset), 0) FROM projection_offsets"))


async def _applied_between(pool: asyncpg.Pool, low: int, high: int, runner: Child) -> bool:
    assert runner.alive, f"the runner child died on its own:\n{runner.output()}"
    applied = await _applied(pool)
    assert applied < high, f"the runner got to {applied} before the kill could land"
    return applied >= low


async def _done(pool: asyncpg.Pool, total: int, runner: Child) -> bool:
    assert runner.alive, f"the runner child died on its own:\n{runner.output()}"
    parked = await pool.fetchval("SELECT count(*) FROM projection_parked")
    return await _applied(pool) == total and parked == 0
