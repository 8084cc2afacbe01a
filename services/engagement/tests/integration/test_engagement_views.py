"""The three engagement read models fed as one projection (ADR 0034)."""

from __future__ import annotations

from datetime import date
from typing import cast

import asyncpg
import pytest

from tandem_engagement.projections import all_projections
from tandem_engagement.projections.timeline import Timeline
from tandem_engagement.projections.views import EngagementViews
from tandem_events.catalog.base import DomainEvent
from tandem_events.catalog.engagement import CheckInLogged, WorkspaceOpened
from tandem_events.envelope import Envelope
from tandem_events.projection import ProjectionContext, WaitFor

from .conftest import CREATED, SOURCE


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
