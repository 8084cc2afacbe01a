"""Fixtures for the fault tests: throwaway databases and a private broker to break."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest

from tandem_events import STORE_MIGRATIONS
from tandem_service.database import create_pool
from tandem_testkit.databases import DatabaseFactory
from tandem_testkit.pair_activity import MIGRATIONS
from tandem_testkit.private_kafka import PrivateKafka


@pytest.fixture
def events_dsn(database_factory: DatabaseFactory) -> Iterator[str]:
    """A fresh event store database."""
    dsn = database_factory.create([STORE_MIGRATIONS], prefix="faults_events")
    yield dsn
    database_factory.drop(dsn)


@pytest.fixture
async def events_pool(events_dsn: str) -> AsyncIterator[asyncpg.Pool]:
    """A pool on the event store database."""
    pool = await create_pool(events_dsn, max_size=12)
    yield pool
    await pool.close()


@pytest.fixture
def activity_dsn(database_factory: DatabaseFactory) -> Iterator[str]:
    """A fresh database for the PairActivity projection."""
    dsn = database_factory.create(MIGRATIONS, prefix="faults_activity")
    yield dsn
    database_factory.drop(dsn)


@pytest.fixture
async def activity_pool(activity_dsn: str) -> AsyncIterator[asyncpg.Pool]:
    """A pool on the projection database."""
    pool = await create_pool(activity_dsn)
    yield pool
    await pool.close()


@pytest.fixture
def private_kafka(tmp_path: Path) -> Iterator[PrivateKafka]:
    """A running broker of this test's own, which the test may kill and restart."""
    broker = PrivateKafka(tmp_path / "kafka")
    broker.start()
    yield broker
    broker.remove()
