"""Timers on the real PostgreSQL: due once, rescheduled by key, safe to kill and to share."""

from __future__ import annotations

import asyncio
import signal
import sys
import textwrap
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from tandem_events import timers
from tandem_events.timers import Timer, TimerSweep

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
async def fired_table(pool: asyncpg.Pool) -> asyncpg.Pool:
    await pool.execute("CREATE TABLE fired (key text NOT NULL, due_at timestamptz NOT NULL)")
    return pool


async def record_fired(conn: asyncpg.Connection, due: Sequence[Timer], now: datetime) -> None:
    await conn.executemany(
        "INSERT INTO fired (key, due_at) VALUES ($1, $2)", [(t.key, t.due_at) for t in due]
    )


async def schedule_range(pool: asyncpg.Pool, n: int, due: datetime) -> None:
    async with pool.acquire() as conn:
        await timers.schedule_many(conn, "check", [(f"k{i}", due, {"i": i}) for i in range(n)])


async def fired_counts(pool: asyncpg.Pool) -> tuple[int, int]:
    row = await pool.fetchrow("SELECT count(*) AS n, count(DISTINCT key) AS d FROM fired")
    return row["n"], row["d"]


async def test_a_timer_fires_once_when_due_and_not_before(fired_table: asyncpg.Pool) -> None:
    pool = fired_table
    async with pool.acquire() as conn:
        await timers.schedule(conn, "check", "pair-1", T0 + timedelta(hours=1), {"why": "x"})
    seen: list[Timer] = []

    async def fire(conn: asyncpg.Connection, due: Sequence[Timer], now: datetime) -> None:
        seen.extend(due)
        await record_fired(conn, due, now)

    sweep = TimerSweep(pool, "check", fire)
    assert await sweep.sweep(T0) == 0
    assert await sweep.sweep(T0 + timedelta(hours=1)) == 1
    assert await sweep.sweep(T0 + timedelta(hours=5)) == 0
    assert [(t.key, t.payload) for t in seen] == [("pair-1", {"why": "x"})]


async def test_rescheduling_a_key_replaces_its_timer_and_cancel_drops_it(
    fired_table: asyncpg.Pool,
) -> None:
    pool = fired_table
    async with pool.acquire() as conn:
        await timers.schedule(conn, "check", "a", T0)
        await timers.schedule(conn, "check", "a", T0 + timedelta(days=2))
        await timers.schedule(conn, "check", "b", T0)
        assert await timers.cancel(conn, "check", "b")
        assert not await timers.cancel(conn, "check", "b")
        assert await timers.due_at(conn, "check", "a") == T0 + timedelta(days=2)
    sweep = TimerSweep(pool, "check", record_fired)
    assert await sweep.sweep(T0 + timedelta(days=1)) == 0
    assert await sweep.sweep(T0 + timedelta(days=2)) == 1
    assert await fired_counts(pool) == (1, 1)


async def test_after_downtime_every_overdue_timer_fires_once(fired_table: asyncpg.Pool) -> None:
    pool = fired_table
    await schedule_range(pool, 2_500, T0)
    async with pool.acquire() as conn:
        await timers.schedule(conn, "other-kind", "k1", T0)
    sweep = TimerSweep(pool, "check", record_fired, batch=1_000)
    assert await sweep.sweep(T0 + timedelta(days=30)) == 2_500
    assert await sweep.sweep(T0 + timedelta(days=31)) == 0
    assert await fired_counts(pool) == (2_500, 2_500)
    assert await pool.fetchval("SELECT count(*) FROM timers") == 1  # the other kind waits


async def test_an_effect_may_reschedule_its_own_key(fired_table: asyncpg.Pool) -> None:
    pool = fired_table

    async def every_day(conn: asyncpg.Connection, due: Sequence[Timer], now: datetime) -> None:
        await record_fired(conn, due, now)
        for timer in due:
            await timers.schedule(conn, "check", timer.key, now + timedelta(days=1))

    await schedule_range(pool, 3, T0)
    sweep = TimerSweep(pool, "check", every_day)
    assert await sweep.sweep(T0) == 3
    assert await sweep.sweep(T0 + timedelta(hours=23)) == 0
    assert await sweep.sweep(T0 + timedelta(days=1)) == 3
    assert await fired_counts(pool) == (6, 3)


async def test_concurrent_sweepers_share_the_work_and_fire_nothing_twice(
    fired_table: asyncpg.Pool,
) -> None:
    pool = fired_table
    await schedule_range(pool, 5_000, T0)
    sweeps = [TimerSweep(pool, "check", record_fired, batch=200) for _ in range(4)]
    counts = await asyncio.gather(*(s.sweep(T0) for s in sweeps))
    assert sum(counts) == 5_000
    assert await fired_counts(pool) == (5_000, 5_000)


async def test_a_failing_effect_backs_off_without_blocking_the_others(
    fired_table: asyncpg.Pool,
) -> None:
    pool = fired_table
    await schedule_range(pool, 10, T0)

    async def fire(conn: asyncpg.Connection, due: Sequence[Timer], now: datetime) -> None:
        if any(t.key == "k3" for t in due):
            raise RuntimeError("k3 is poison")
        await record_fired(conn, due, now)

    sweep = TimerSweep(pool, "check", fire)
    assert await sweep.sweep(T0) == 9
    assert await fired_counts(pool) == (9, 9)
    row = await pool.fetchrow("SELECT due_at, attempts, last_error FROM timers WHERE key = 'k3'")
    assert row["attempts"] == 1
    assert row["due_at"] == T0 + timers.FIRST_BACKOFF
    assert "k3 is poison" in row["last_error"]


_KILLED_SWEEPER = textwrap.dedent(
    """
    import asyncio, sys
    from datetime import datetime
    from tandem_events.timers import TimerSweep
    from tandem_service.database import create_pool

    async def fire(conn, due, now):
        await conn.executemany(
            "INSERT INTO fired (key, due_at) VALUES ($1, $2)", [(t.key, t.due_at) for t in due]
        )
        await asyncio.sleep(0.05)  # a slow effect, so the kill lands mid-batch

    async def main():
        pool = await create_pool(sys.argv[1])
        await TimerSweep(pool, "check", fire, batch=100).sweep(datetime.fromisoformat(sys.argv[2]))

    asyncio.run(main())
    """
)


async def test_a_sweeper_killed_mid_sweep_loses_nothing_and_repeats_nothing(
    fired_table: asyncpg.Pool, events_dsn: str
) -> None:
    pool = fired_table
    await schedule_range(pool, 3_000, T0)
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", _KILLED_SWEEPER, events_dsn, T0.isoformat()
    )
    try:
        async with asyncio.timeout(60):
            while (await fired_counts(pool))[0] < 500:
                await asyncio.sleep(0.01)
    finally:
        child.send_signal(signal.SIGKILL)
        await child.wait()
    before, _ = await fired_counts(pool)
    assert 500 <= before < 3_000, "the kill should land mid-sweep"
    remaining = await TimerSweep(pool, "check", record_fired).sweep(T0)
    assert remaining == 3_000 - before
    assert await fired_counts(pool) == (3_000, 3_000)


async def test_the_sweep_loop_reads_the_injected_clock(fired_table: asyncpg.Pool) -> None:
    pool = fired_table
    await schedule_range(pool, 2, T0 + timedelta(days=3))
    now = [T0]
    stop = asyncio.Event()
    loop = asyncio.create_task(
        timers.run_sweeps(
            [TimerSweep(pool, "check", record_fired)], lambda: now[0], stop, interval=0.01
        )
    )
    await asyncio.sleep(0.1)
    assert await fired_counts(pool) == (0, 0)
    now[0] = T0 + timedelta(days=3)
    async with asyncio.timeout(10):
        while (await fired_counts(pool))[0] < 2:
            await asyncio.sleep(0.01)
    stop.set()
    await loop
    assert await fired_counts(pool) == (2, 2)
