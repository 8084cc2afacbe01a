from __future__ import annotations

from datetime import UTC, date, datetime

import asyncpg
import pytest

from tandem_events.catalog.engagement import CheckInLogged


@pytest.fixture
def pool(events_pool: asyncpg.Pool) -> asyncpg.Pool:
    """The test kit's event store pool, under the name these tests use."""
    return events_pool


def check_in(pair_id: str, n: int = 1) -> CheckInLogged:
    return CheckInLogged(
        occurred_at=datetime(2026, 11, 24, 9, 0, tzinfo=UTC),
        actor_id="p-1",
        pair_id=pair_id,
        check_in_id=f"{pair_id}-c{n}",
        met_on=date(2026, 11, 24),
        duration_minutes=30,
    )
