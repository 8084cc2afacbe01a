"""The three engagement read models fed as one projection (ADR 0034)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date
from typing import cast

import asyncpg
import pytest

from tandem_engagement.projections import all_projections
from tandem_engagement.projections.timeline import Timeline
from tandem_engagement.projections.views import EarlyInBatch, EngagementViews
from tandem_events.catalog.base import DomainEvent
from tandem_events.catalog.engagement import (
    CheckInLogged,
    FeedbackGiven,
    GoalCompleted,
    GoalSet,
    MilestoneReached,
    PairHealthChanged,
    WorkspaceOpened,
)
from tandem_events.envelope import Envelope
from tandem_events.kafka_producer import EventPublisher
from tandem_events.projection import ProjectionContext, WaitFor
from tandem_events.runner import ProjectionRunner
from tandem_events.write_behind import WriteBehind
from tandem_testkit.owner import CATALOG_LOGS, provision_logs

from .conftest import CREATED, SOURCE

TODAY = date(2026, 1, 8)


def opened(pair_id: str) -> WorkspaceOpened:
    return WorkspaceOpened(
        occurred_at=CREATED,
        actor_id="admin-1",
        pair_id=pair_id,
        program_id="prog",
        member_ids=("ana", "ben"),
        purpose="onboarding",
        opened_on=date(2026, 1, 5),
    )


def checked_in(pair_id: str) -> CheckInLogged:
    return CheckInLogged(
        occurred_at=CREATED,
        actor_id="ana",
        pair_id=pair_id,
        check_in_id="c-1",
        met_on=date(2026, 1, 5),
        duration_minutes=30,
    )


async def apply(conn: asyncpg.Connection, views: EngagementViews, event: DomainEvent) -> None:
    await views.apply(ProjectionContext(conn), event, Envelope.wrap(event, SOURCE))


async def rows_in(conn: asyncpg.Connection, views: EngagementViews) -> dict[str, int]:
    return {t: await conn.fetchval(f"SELECT count(*) FROM {t}") for t in views.tables}


def test_one_consumer_feeds_the_three_views() -> None:
    views = [p for p in all_projections() if "engagement.events" in p.topics]
    assert [p.name for p in views] == ["engagement_views"]
    assert {"workspace_view", "timeline_view", "program_health_view"} <= set(views[0].tables)


async def test_an_event_before_its_workspace_writes_nothing_anywhere(pool: asyncpg.Pool) -> None:
    views = EngagementViews()
    async with pool.acquire() as conn:
        with pytest.raises(WaitFor):
            await apply(conn, views, checked_in("pair-early"))
        assert set((await rows_in(conn, views)).values()) == {0}, "parked whole, not in part"
        await apply(conn, views, opened("pair-early"))
        await apply(conn, views, checked_in("pair-early"))
        counted = await conn.fetchval(
            "SELECT check_ins FROM workspace_view WHERE pair_id = 'pair-early'"
        )
        timeline = await conn.fetchval("SELECT count(*) FROM timeline_view")
    assert counted == 1
    assert timeline == 4, "each member sees the opening and the check-in"


class CountingReads:
    """A connection that counts the reads made through it."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn, self.reads = conn, 0

    async def fetch(self, *args: object) -> list[asyncpg.Record]:
        self.reads += 1
        rows: list[asyncpg.Record] = await self.conn.fetch(*args)
        return rows

    def __getattr__(self, name: str) -> object:
        return getattr(self.conn, name)


async def test_the_timeline_reads_a_pairs_members_once(pool: asyncpg.Pool) -> None:
    timeline = Timeline()
    async with pool.acquire() as conn:
        counting = CountingReads(conn)
        ctx = ProjectionContext(cast(asyncpg.Connection, counting))
        await timeline.apply(ctx, opened("pair-1"), Envelope.wrap(opened("pair-1"), SOURCE))
        for n in range(3):
            event = checked_in("pair-1").model_copy(update={"check_in_id": f"c-{n}"})
            await timeline.apply(ctx, event, Envelope.wrap(event, SOURCE))
        rows = await conn.fetchval("SELECT count(*) FROM timeline_view")
    assert counting.reads == 1
    assert rows == 2 * 4, "both members see the opening and the three check-ins"


def a_batch() -> list[DomainEvent]:
    """Two pairs' events, with moves that only their order makes right (the last health)."""
    at = {"occurred_at": CREATED, "actor_id": "ana"}
    health = [("steady", "at_risk"), ("at_risk", "stalled")]
    return [
        opened("pair-a"),
        opened("pair-b"),
        checked_in("pair-a"),
        MilestoneReached(**at, pair_id="pair-a", milestone="first_check_in", reached_on=TODAY),
        *(PairHealthChanged(**at, pair_id="pair-a", previous=p, current=c) for p, c in health),
        GoalSet(
            **at,
            pair_id="pair-b",
            goal_id="g-1",
            owner_id="ana",
            category="c",
            title="sealed:v1:k:dGl0bGU=",
        ),
        GoalCompleted(**at, pair_id="pair-b", goal_id="g-1"),
        checked_in("pair-b").model_copy(update={"met_on": date(2026, 1, 7)}),
        checked_in("pair-b").model_copy(update={"check_in_id": "c-0", "met_on": date(2026, 1, 6)}),
        FeedbackGiven(
            **at,
            pair_id="pair-a",
            feedback_id="f-1",
            to_person_id="ben",
            helpfulness=4,
            kind="appreciation",
        ),
        MilestoneReached(
            **at, pair_id="pair-b", milestone="first_goal_completed", reached_on=TODAY
        ),
    ]


async def contents(conn: asyncpg.Connection, views: EngagementViews) -> dict[str, list[str]]:
    return {
        t: sorted(repr(tuple(row.values())) for row in await conn.fetch(f"SELECT * FROM {t}"))
        for t in views.tables
    }


async def test_a_batch_leaves_the_rows_that_event_by_event_leaves(pool: asyncpg.Pool) -> None:
    events = [(e, Envelope.wrap(e, SOURCE)) for e in a_batch()]
    async with pool.acquire() as conn:
        views = EngagementViews()
        for event, envelope in events:
            await views.apply(ProjectionContext(conn), event, envelope)
        one_by_one = await contents(conn, views)
        await conn.execute(f"TRUNCATE {', '.join(views.tables)}")
        batched = EngagementViews()
        async with conn.transaction():
            behind = WriteBehind(conn)
            await batched.apply_batch(ProjectionContext(cast(asyncpg.Connection, behind)), events)
            await behind.flush()
        assert await contents(conn, batched) == one_by_one
        health = await conn.fetchval("SELECT health FROM workspace_view WHERE pair_id = 'pair-a'")
    assert health == "stalled"


async def test_a_batch_with_an_early_event_is_refused_whole(pool: asyncpg.Pool) -> None:
    events = [(e, Envelope.wrap(e, SOURCE)) for e in (opened("pair-a"), checked_in("pair-z"))]
    async with pool.acquire() as conn:
        views = EngagementViews()
        with pytest.raises(EarlyInBatch):
            await views.apply_batch(ProjectionContext(conn), events)


async def test_the_runner_feeds_the_views_by_batch_and_parks_an_early_event(
    pool: asyncpg.Pool, kafka_bootstrap: str, topic_name: Callable[[str], str]
) -> None:
    prefix = topic_name("views") + "."
    await provision_logs(kafka_bootstrap, prefix, CATALOG_LOGS, dead_letters=True)
    early = checked_in("pair-late").model_copy(update={"check_in_id": "c-late"})
    sealed = [(e, Envelope.wrap(e, SOURCE)) for e in [early, *a_batch(), opened("pair-late")]]
    views = EngagementViews()
    runner = ProjectionRunner(
        pool, kafka_bootstrap, views, group_id=prefix + "g", topic_prefix=prefix
    )
    publisher = EventPublisher(kafka_bootstrap, topic_prefix=prefix)
    await publisher.start()
    await runner.start()
    try:
        # The early check-in alone first: its batch fails, is redone event by event, parks it.
        await publisher.publish([sealed[0][1]])
        await until(pool, "SELECT count(*) = 1 FROM projection_parked")
        # Then a batch the views take whole, and the opening that releases the parked one.
        await publisher.publish([envelope for _, envelope in sealed[1:]])
        await until(pool, "SELECT check_ins = 1 FROM workspace_view WHERE pair_id = 'pair-late'")
    finally:
        await runner.stop()
        await publisher.stop()
    async with pool.acquire() as conn:
        fed = await contents(conn, views)
        await conn.execute(f"TRUNCATE {', '.join(views.tables)}")
        one_by_one = EngagementViews()
        for event, envelope in [*sealed[1:], sealed[0]]:  # the early one once it can apply
            await one_by_one.apply(ProjectionContext(conn), event, envelope)
        assert fed == await contents(conn, one_by_one)


async def until(pool: asyncpg.Pool, query: str) -> None:
    async with asyncio.timeout(60):
        while not await pool.fetchval(query):
            await asyncio.sleep(0.1)
