"""Workspace snapshots on the real PostgreSQL: kept by commands and by sweeps that fell far
behind; a load always equals the fold."""

from __future__ import annotations

from datetime import timedelta

import asyncpg
import pytest

from tandem_engagement.adapters.postgres import PostgresEngagementTables
from tandem_engagement.adapters.workspace_rows import SWEEP_SNAPSHOT_LAG, load_workspaces
from tandem_engagement.domain.checkins import CheckInDraft
from tandem_engagement.domain.folding import fold_all
from tandem_engagement.domain.workspace import Workspace
from tandem_engagement.handlers import check_ins, health_sweep
from tandem_engagement.handlers.context import Context
from tandem_engagement.handlers.health_sweep import HealthReviews
from tandem_engagement.handlers.matching_feed import MatchingFeed
from tandem_events.store import EventStore
from tandem_service.commands import CommandContext

from .conftest import CREATED, SOURCE, enrolled, launched, pair_created
from .test_matching_feed import deliver

LATER = CREATED + timedelta(days=2)


async def folded(store: EventStore, pair_id: str) -> tuple[Workspace, int]:
    """The workspace folded from its whole stream, the slow way."""
    recorded = await store.read_stream(f"workspace-{pair_id}")
    return fold_all(Workspace(), [r.event() for r in recorded]), len(recorded)


async def snapshot_version(pool: asyncpg.Pool, pair_id: str) -> int | None:
    value: int | None = await pool.fetchval(
        "SELECT version FROM workspace_snapshots WHERE pair_id = $1", pair_id
    )
    return value


async def active_pair(pool: asyncpg.Pool, store: EventStore) -> None:
    """p1 opened from matching, a check-in and a pulse logged, then a sweep months later."""
    people = [enrolled("ana"), enrolled("ben", "Asia/Tokyo")]
    await deliver(pool, MatchingFeed(SOURCE), [launched(), *people, pair_created("p1")])
    ctx: Context = CommandContext.on_postgres(
        pool, store, PostgresEngagementTables, clock=lambda: LATER
    )
    draft = CheckInDraft("c1", LATER.date(), 30, "video", False, ("career",), 4, None, False)
    await check_ins.log_check_in(ctx, check_ins.LogCheckIn("ana", "p1", draft, None))
    await check_ins.submit_pulse(ctx, check_ins.SubmitPulse("ben", "p1", 5, 3, 3))
    assert await HealthReviews(SOURCE).sweep(pool).sweep(CREATED + timedelta(days=100)) == 1


async def test_every_command_keeps_a_snapshot_and_a_load_is_the_fold(
    pool: asyncpg.Pool, store: EventStore
) -> None:
    await active_pair(pool, store)
    expected, version = await folded(store, "p1")
    assert expected.check_ins
    assert expected.stress
    assert "days_together:90" in expected.milestones
    # The commands' snapshot stands; the sweep's few events are folded onto it by each load.
    at = await snapshot_version(pool, "p1")
    assert at is not None
    assert 0 < version - at < SWEEP_SNAPSHOT_LAG
    async with pool.acquire() as conn:
        assert (await load_workspaces(conn, ["p1", "unknown"])) == {
            "p1": (expected, version),
            "unknown": (Workspace(), 0),
        }


async def test_a_sweep_rewrites_a_snapshot_that_fell_too_far_behind(
    pool: asyncpg.Pool, store: EventStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(health_sweep, "SWEEP_SNAPSHOT_LAG", 1)
    await active_pair(pool, store)
    _, version = await folded(store, "p1")
    assert await snapshot_version(pool, "p1") == version


async def test_events_after_an_old_snapshot_are_folded_onto_it(
    pool: asyncpg.Pool, store: EventStore
) -> None:
    await deliver(pool, MatchingFeed(SOURCE), [launched(), enrolled("ana"), enrolled("ben")])
    await deliver(pool, MatchingFeed(SOURCE), [pair_created("p1")])
    opened_version = await snapshot_version(pool, "p1")
    old_state = await pool.fetchval("SELECT state FROM workspace_snapshots WHERE pair_id = 'p1'")
    await active_pair(pool, store)
    # The snapshot falls behind (as if written by an older release): the tail catches it up.
    await pool.execute(
        "UPDATE workspace_snapshots SET version = $1, state = $2 WHERE pair_id = 'p1'",
        opened_version,
        old_state,
    )
    async with pool.acquire() as conn:
        assert (await load_workspaces(conn, ["p1"]))["p1"] == await folded(store, "p1")
    # A snapshot of another format is not trusted at all.
    await pool.execute("UPDATE workspace_snapshots SET format = -1, state = '{}' WHERE true")
    async with pool.acquire() as conn:
        assert (await load_workspaces(conn, ["p1"]))["p1"] == await folded(store, "p1")
