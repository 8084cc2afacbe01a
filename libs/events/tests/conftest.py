from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime

import asyncpg
import pytest

from tandem_events import STORE_MIGRATIONS
from tandem_events.catalog.engagement import CheckInLogged
from tandem_service.database import create_pool
from tandem_testkit.databases import DatabaseFactory


@pytest.fixture
def events_dsn(database_factory: DatabaseFactory) -> Iterator[str]:
    dsn = database_factory.create([STORE_MIGRATIONS], prefix="events")
    yield dsn
    database_factory.drop(dsn)


@pytest.fixture
async def pool(events_dsn: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(events_dsn, max_size=20)
    yield pool
    await pool.close()


def check_in(pair_id: str, n: int = 1) -> CheckInLogged:
    return CheckInLogged(
        occurred_at=datetime(2026, 11, 24, 9, 0, tzinfo=UTC),
        actor_id="p-1",
        pair_id=pair_id,
        check_in_id=f"{pair_id}-c{n}",
        met_on=date(2026, 11, 24),
        duration_minutes=30,
    )
