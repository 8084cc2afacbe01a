"""A database with the kit's migrations, and a pool on it, for each test that asks."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import asyncpg
import pytest

from tandem_service.bootstrap import KIT_MIGRATIONS
from tandem_service.database import create_pool
from tandem_testkit.databases import DatabaseFactory


@pytest.fixture
def dsn(database_factory: DatabaseFactory) -> Iterator[str]:
    created = database_factory.create(KIT_MIGRATIONS, prefix="kit")
    yield created
    database_factory.drop(created)


@pytest.fixture
async def pool(dsn: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(dsn, max_size=6)
    yield pool
    await pool.close()
