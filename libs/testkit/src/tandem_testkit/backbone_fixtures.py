"""Databases and brokers the backbone's tests and the fault tests share (one copy of each)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:  # loaded when a fixture runs, so unit tests stay light
    import asyncpg

    from tandem_testkit.databases import DatabaseFactory
    from tandem_testkit.private_kafka import PrivateKafka


@pytest.fixture
def events_dsn(database_factory: DatabaseFactory) -> Iterator[str]:
    """A fresh event store database."""
    from tandem_events import STORE_MIGRATIONS

    dsn = database_factory.create([STORE_MIGRATIONS], prefix="events")
    yield dsn
    database_factory.drop(dsn)


@pytest.fixture
async def events_pool(events_dsn: str) -> AsyncIterator[asyncpg.Pool]:
    """A pool on the event store database."""
    from tandem_service.database import create_pool

    pool = await create_pool(events_dsn, max_size=20)
    yield pool
    await pool.close()


@pytest.fixture
def activity_dsn(database_factory: DatabaseFactory) -> Iterator[str]:
    """A fresh database for the PairActivity test projection."""
    from tandem_testkit.pair_activity import MIGRATIONS

    dsn = database_factory.create(MIGRATIONS, prefix="activity")
    yield dsn
    database_factory.drop(dsn)


@pytest.fixture
async def activity_pool(activity_dsn: str) -> AsyncIterator[asyncpg.Pool]:
    """A pool on the projection database."""
    from tandem_service.database import create_pool

    pool = await create_pool(activity_dsn)
    yield pool
    await pool.close()


@pytest.fixture
def private_kafka(tmp_path: Path) -> Iterator[PrivateKafka]:
    """A running broker of this test's own, which the test may kill and restart."""
    from tandem_testkit.private_kafka import PrivateKafka

    broker = PrivateKafka(tmp_path / "kafka")
    broker.start()
    yield broker
    broker.remove()
