"""What is due days later is held as a timer, not written up front: released when due, never
after its cause was cancelled, not even when that cause is replayed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from tandem_events.catalog.matching import PairCreated
from tandem_events.timers import TimerSweep
from tandem_notifications.adapters.held import HELD
from tandem_notifications.adapters.postgres import NewPair
from tandem_notifications.domain.planning.introductions import on_pair_created
from tandem_notifications.domain.planning.plan import Plan
from tandem_notifications.handlers.horizon import release
from tandem_notifications.handlers.plans import record_plan
from tandem_service.database import create_pool

AT = datetime(2026, 3, 4, 10, tzinfo=UTC)
PROMPT_DUE = AT + timedelta(days=3)


@pytest.fixture
async def pool(fresh_dsn: str) -> AsyncIterator[asyncpg.Pool]:
    opened = await create_pool(fresh_dsn)
    try:
        yield opened
    finally:
        await opened.close()


async def plan_pair(pool: asyncpg.Pool, pair_id: str, cause: str) -> None:
    created = PairCreated(
        occurred_at=AT,
        actor_id="admin",
        pair_id=pair_id,
        program_id="prog",
        member_ids=("alice", "bob"),
        score=0.8,
        reasons=("both want sql",),
    )
    async with pool.acquire() as conn, conn.transaction():
        pair = NewPair(pair_id, "prog", ("alice", "bob"))
        await record_plan(conn, on_pair_created(created, cause), AT, [pair])


async def rows(pool: asyncpg.Pool, pair_id: str) -> list[tuple[str, str, datetime]]:
    found = await pool.fetch(
        "SELECT kind, status, due_at FROM deliveries WHERE pair_id = $1 ORDER BY kind, channel",
        pair_id,
    )
    return [tuple(r) for r in found]


async def test_a_prompt_due_in_three_days_is_held_then_released_when_due(
    pool: asyncpg.Pool,
) -> None:
    await plan_pair(pool, "p1", "ev1")
    assert {k for k, _, _ in await rows(pool, "p1")} == {"introduction"}
    held = await pool.fetch("SELECT key, due_at FROM timers WHERE kind = $1", HELD)
    assert [h["due_at"] for h in held] == [PROMPT_DUE, PROMPT_DUE]  # one per member

    sweep = TimerSweep(pool, HELD, release)
    assert await sweep.sweep(PROMPT_DUE - timedelta(minutes=1)) == 0
    assert await sweep.sweep(PROMPT_DUE) == 2
    prompts = [r for r in await rows(pool, "p1") if r[0] == "cadence_prompt"]
    assert prompts == [("cadence_prompt", "scheduled", PROMPT_DUE)] * 4  # 2 people, 2 channels


async def test_a_cancelled_held_prompt_stays_cancelled_when_its_cause_is_replayed(
    pool: asyncpg.Pool,
) -> None:
    await plan_pair(pool, "p2", "ev2")
    async with pool.acquire() as conn, conn.transaction():
        await record_plan(conn, Plan(cancel=("cadence-prompt:p2",)), AT + timedelta(days=1))
    assert await pool.fetchval("SELECT count(*) FROM timers WHERE kind = $1", HELD) == 0
    tombstones = [r for r in await rows(pool, "p2") if r[0] == "cadence_prompt"]
    assert [s for _, s, _ in tombstones] == ["cancelled"] * 4

    await plan_pair(pool, "p2", "ev2")  # the PairCreated again (a rebuild replays it)
    await TimerSweep(pool, HELD, release).sweep(PROMPT_DUE)
    assert [r for r in await rows(pool, "p2") if r[0] == "cadence_prompt"] == tombstones


async def test_nothing_held_is_released_for_an_ended_pair_or_an_erased_person(
    pool: asyncpg.Pool,
) -> None:
    await plan_pair(pool, "p3", "ev3")
    await pool.execute("UPDATE pairs SET active = false WHERE pair_id = 'p3'")
    await pool.execute("INSERT INTO keyring.erased_people (person_id) VALUES ('alice')")
    assert (
        await pool.fetchval(
            "SELECT count(*) FROM timers WHERE kind = $1 AND payload->>'recipient_id' = 'alice'",
            HELD,
        )
        == 0
    )
    assert await TimerSweep(pool, HELD, release).sweep(PROMPT_DUE) == 1  # bob's, for nothing
    assert {k for k, _, _ in await rows(pool, "p3")} == {"introduction"}
