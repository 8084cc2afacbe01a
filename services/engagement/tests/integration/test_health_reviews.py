"""Time-driven health on the real PostgreSQL: due reviews change health once, catch up late."""

from __future__ import annotations

from datetime import timedelta

import asyncpg

from tandem_engagement.adapters.workspace_rows import HEALTH_REVIEW, load_workspaces
from tandem_engagement.handlers.health_sweep import HealthReviews
from tandem_engagement.handlers.matching_feed import MatchingFeed
from tandem_events import timers
from tandem_events.store import EventStore

from .conftest import CREATED, SOURCE, enrolled, launched, pair_created
from .test_matching_feed import deliver


async def health_changes(store: EventStore, pair_id: str) -> list[tuple[str | None, str]]:
    return [
        (e.envelope.data["previous"], e.envelope.data["current"])
        for e in await store.read_stream(f"workspace-{pair_id}")
        if "PairHealthChanged" in e.envelope.type
    ]


async def test_reviews_move_silent_pairs_along_once_each(
    pool: asyncpg.Pool, store: EventStore
) -> None:
    people = [enrolled(p) for p in ("ana", "ben", "cy", "di")]
    pairs = [pair_created("p1", ("ana", "ben")), pair_created("p2", ("cy", "di"))]
    await deliver(pool, MatchingFeed(SOURCE), [launched(), *people, *pairs])
    sweep = HealthReviews(SOURCE).sweep(pool)
    assert await sweep.sweep(CREATED + timedelta(days=20)) == 0  # nothing due yet
    # Down for months: one sweep catches up to "stalled" directly, each pair's days-together
    # milestones all arrive, once, and one pulse invitation (the latest month's).
    assert await sweep.sweep(CREATED + timedelta(days=100)) == 2
    for pair_id in ("p1", "p2"):
        assert await health_changes(store, pair_id) == [(None, "steady"), ("steady", "stalled")]
    async with pool.acquire() as conn:
        state, _ = (await load_workspaces(conn, ["p1"]))["p1"]
        next_due = await timers.due_at(conn, HEALTH_REVIEW, "p1")
    assert {"days_together:30", "days_together:90"} <= state.milestones
    assert state.pulse_invitations == 3
    assert next_due is not None
    assert next_due.date() == (CREATED + timedelta(days=120)).date()  # the 4th pulse month
    assert await sweep.sweep(CREATED + timedelta(days=101)) == 0
    assert await sweep.sweep(CREATED + timedelta(days=180)) == 2
    async with pool.acquire() as conn:
        state, _ = (await load_workspaces(conn, ["p1"]))["p1"]
    assert "days_together:180" in state.milestones
    assert await health_changes(store, "p1") == [(None, "steady"), ("steady", "stalled")]
