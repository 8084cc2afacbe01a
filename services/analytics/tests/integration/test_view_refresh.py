"""The stored views' refresh timer runs in every replica; one refresh at a time is enough."""

from __future__ import annotations

import asyncio

import asyncpg

from tandem_analytics.refresh import REFRESH_LOCK, ViewRefresh

from .conftest import Analytics


async def test_a_replica_skips_its_turn_while_another_refreshes(in_order: Analytics) -> None:
    pool = await asyncpg.create_pool(in_order.dsn, min_size=1, max_size=2)
    other = await asyncpg.connect(in_order.dsn)  # another replica, in the middle of a refresh
    refresher = ViewRefresh(pool, interval=60)
    try:
        await other.execute("SELECT pg_advisory_lock($1)", REFRESH_LOCK)
        await pool.execute("DELETE FROM view_refreshes")  # as if the projections had moved
        assert await refresher.refresh_if_moved() is False
        assert await pool.fetchval("SELECT count(*) FROM view_refreshes") == 0
        await other.execute("SELECT pg_advisory_unlock($1)", REFRESH_LOCK)
        async with asyncio.timeout(60):  # this replica, or the service's own timer, refreshes
            while not await pool.fetchval("SELECT count(*) FROM view_refreshes"):
                await refresher.refresh_if_moved()
                await asyncio.sleep(0.1)
        async with pool.acquire() as conn:  # released by whoever refreshed (the timer may hold
            async with asyncio.timeout(30):  # it a moment: it refreshes too)
                while not await conn.fetchval("SELECT pg_try_advisory_lock($1)", REFRESH_LOCK):
                    await asyncio.sleep(0.05)
            await conn.execute("SELECT pg_advisory_unlock($1)", REFRESH_LOCK)
    finally:
        await other.close()
        await pool.close()
