"""Keys kept for sealing stay with their database (tests run many databases in one process)."""

from __future__ import annotations

import asyncpg

from tandem_engagement.adapters.postgres import PostgresEngagementTables
from tandem_engagement.bootstrap import MIGRATIONS
from tandem_events.sealing import PersonKeyring
from tandem_service.database import create_pool
from tandem_testkit.databases import DatabaseFactory


async def test_a_key_kept_for_one_database_never_seals_in_another(
    pool: asyncpg.Pool, database_factory: DatabaseFactory
) -> None:
    other_dsn = database_factory.create(MIGRATIONS, prefix="engagement")
    other = await create_pool(other_dsn, max_size=2)
    try:
        for database in (pool, pool, other):  # the second seal keeps the first database's key
            async with database.acquire() as conn, conn.transaction():
                sealed = await PostgresEngagementTables(conn).seal("ana", "my words")
        assert await PersonKeyring(other).unseal(sealed) == "my words"
    finally:
        await other.close()
        database_factory.drop(other_dsn)
