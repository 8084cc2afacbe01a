"""Fixtures shared by the backbone's integration tests."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import asyncpg

from tandem_events.catalog.matching import PairCreated
from tandem_events.relay import Relay

SOURCE = "/tandem/test"


def pair_created(pair_id: str) -> PairCreated:
    return PairCreated(
        occurred_at=datetime(2026, 11, 24, tzinfo=UTC),
        actor_id="admin",
        pair_id=pair_id,
        program_id="prog-1",
        member_ids=("ana", "ben"),
        score=71.5,
    )


async def wait_for(condition: Callable[[], Awaitable[object]], limit: float = 45) -> None:
    async with asyncio.timeout(limit):
        while not await condition():
            await asyncio.sleep(0.1)


async def relay_everything(relay: Relay, conn: asyncpg.Connection, pool: asyncpg.Pool) -> None:
    """Run relay passes until every stored event is published.

    ``pg_snapshot_xmin`` is cluster-wide, so a transaction open in another test's database
    can hold the relay back for a moment (a delay, never a loss).
    """
    progress = (0, 0)
    async with asyncio.timeout(30):
        while await relay.pending(pool) > 0:
            progress = await relay.relay_once(conn, *progress) or progress
            await asyncio.sleep(0.02)
