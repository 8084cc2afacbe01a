"""Migration 0007 packs kept plans: a preview kept before it still commits (same plan)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import orjson
import pytest

from tandem_matching.adapters.postgres import PostgresMatchingTables
from tandem_matching.bootstrap import SERVICE
from tandem_matching.domain.round_record import StoredPreview
from tandem_service.database import connect
from tandem_testkit.databases import DatabaseFactory

from .migrating import database_before, migrate

PLAN = {"pairs": [{"member_ids": ["a", "b"], "score": 80.5, "reasons": ["you both “sql”"]}]}


@pytest.fixture
async def conn(database_factory: DatabaseFactory) -> AsyncIterator[asyncpg.Connection]:
    dsn = database_factory.create(SERVICE.all_migrations, prefix="packed")
    opened = await connect(dsn)
    yield opened
    await opened.close()
    database_factory.drop(dsn)


async def test_a_preview_kept_as_jsonb_reads_back_after_the_migration(
    database_factory: DatabaseFactory, tmp_path: Path
) -> None:
    with database_before(database_factory, tmp_path, "matching_0007_previews_packed.sql") as dsn:
        old = await asyncpg.connect(dsn)
        await old.execute(
            "INSERT INTO round_previews (token, program_id, program_version, pool_hash, plan)"
            " VALUES ('t1', 'p', 3, 'h', $1::jsonb)",
            orjson.dumps(PLAN).decode(),
        )
        await old.close()
        assert migrate(dsn) == 1
        new = await connect(dsn)
        kept = await PostgresMatchingTables(new).preview("p", "t1")
        await new.close()
    assert kept is not None
    assert (kept.program_version, kept.pool_hash, kept.plan) == (3, "h", PLAN)


async def test_a_large_plan_is_stored_packed_and_read_back_equal(
    conn: asyncpg.Connection,
) -> None:
    """5,000 pairs: stored in a fraction of their JSON, read back as they were."""
    plan = {
        "pairs": [
            {"member_ids": [f"p{i}", f"q{i}"], "score": 70 + i % 30, "reasons": ["you both"]}
            for i in range(5000)
        ],
        "total_score": 1.5,
    }
    tables = PostgresMatchingTables(conn)
    await tables.save_preview(StoredPreview("t1", "p", 1, "h", plan))
    kept = await tables.preview("p", "t1")
    stored = await conn.fetchval("SELECT octet_length(plan) FROM round_previews")
    assert kept is not None
    assert kept.plan == plan
    assert stored < len(orjson.dumps(plan)) / 4
