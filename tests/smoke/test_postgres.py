"""asyncpg against the real PostgreSQL, in a per-test database cloned from a template."""

from __future__ import annotations

from pathlib import Path

import asyncpg

from tandem_testkit.databases import DatabaseFactory


async def test_asyncpg_round_trip_in_a_cloned_database(
    database_factory: DatabaseFactory, tmp_path: Path
) -> None:
    (tmp_path / "0001_people.sql").write_text(
        "CREATE TABLE people (id text PRIMARY KEY, level int NOT NULL);"
    )
    dsn = database_factory.create([tmp_path])
    try:
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute("INSERT INTO people VALUES ($1, $2)", "p-1", 4)
            assert await conn.fetchval("SELECT level FROM people WHERE id = $1", "p-1") == 4
            assert await conn.fetchval("SHOW server_version_num") >= "150000"
        finally:
            await conn.close()
        second = database_factory.create([tmp_path])
        conn = await asyncpg.connect(second)
        try:
            assert await conn.fetchval("SELECT count(*) FROM people") == 0, "clones are isolated"
        finally:
            await conn.close()
        database_factory.drop(second)
    finally:
        database_factory.drop(dsn)
