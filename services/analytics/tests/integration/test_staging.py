"""Big batches go in through COPY and a staging table: the same rows as through arrays."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
import psycopg
import pytest

from tandem_analytics.bootstrap import MIGRATIONS
from tandem_analytics.domain.pseudonyms import Pseudonyms
from tandem_analytics.projections import projections_for, rows
from tandem_analytics.projections.staging import Staged
from tandem_events.envelope import Envelope
from tandem_events.projection import ProjectionContext
from tandem_events.write_behind import WriteBehind
from tandem_testkit.databases import DatabaseFactory

from .conftest import KEY
from .test_order import FACT_TABLES

BATCH = 2_000


async def project(dsn: str, envelopes: list[Envelope]) -> None:
    """Every envelope of a projection's topics, in batches, as the runner writes them."""
    conn = await asyncpg.connect(dsn)
    try:
        for projection in projections_for(Pseudonyms(KEY.encode())):
            mine = [e for e in envelopes if e.topic in projection.topics]
            for start in range(0, len(mine), BATCH):
                items = [(e.event(), e) for e in mine[start : start + BATCH]]
                async with conn.transaction():
                    behind = WriteBehind(conn)  # queued writes, flushed before the commit
                    await projection.apply_batch(ProjectionContext(behind), items)  # type: ignore[attr-defined]
                    await behind.flush()
    finally:
        await conn.close()


def tables(dsn: str) -> dict[str, list[tuple[Any, ...]]]:
    with psycopg.connect(dsn) as conn:
        return {
            t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in FACT_TABLES
        }  # type: ignore[arg-type]


def test_rows_staged_through_copy_equal_rows_sent_as_arrays(
    history_envelopes: list[Envelope],
    database_factory: DatabaseFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    copied = 0
    write = Staged.write

    async def counted(self: Staged, *args: Any) -> None:
        nonlocal copied
        copied += 1
        await write(self, *args)

    monkeypatch.setattr(Staged, "write", counted)
    found = {}
    for threshold in (1, 10**9):  # every table through COPY, then none
        monkeypatch.setattr(rows, "COPY_FROM_ROWS", threshold)
        dsn = database_factory.create(MIGRATIONS, prefix="analytics")
        try:
            asyncio.run(project(dsn, history_envelopes))
            found[threshold] = tables(dsn)
        finally:
            database_factory.drop(dsn)
        if threshold == 1:
            assert copied >= len(FACT_TABLES), "every table went through COPY"
            copied_before = copied
    assert copied == copied_before, "no table through COPY"
    assert all(found[1][t] for t in FACT_TABLES)
    assert found[1] == found[10**9]
