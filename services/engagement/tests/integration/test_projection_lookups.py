"""The lookups a projection makes for every event it applies are served by an index.

A sequential scan there costs in proportion to everything projected so far, on every event
(the timeline's member lookup read the whole timeline_view per check-in: ADR 0034).
"""

from __future__ import annotations

import asyncpg

from tandem_engagement.projections.timeline import MEMBERS


async def plan_of(pool: asyncpg.Pool, query: str, *args: object) -> str:
    """The plan PostgreSQL would use if it could avoid a sequential scan at all."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SET LOCAL enable_seqscan = off")
        rows = await conn.fetch(f"EXPLAIN {query}", *args)
    return "\n".join(row[0] for row in rows)


async def test_the_timeline_finds_a_pairs_members_through_an_index(pool: asyncpg.Pool) -> None:
    plan = await plan_of(pool, MEMBERS.format(table="timeline_view"), "pair-1")
    assert "Seq Scan" not in plan, plan
    assert "timeline_view_pair_members" in plan, plan
