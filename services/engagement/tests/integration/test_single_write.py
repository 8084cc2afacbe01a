"""A workspace command's one statement: the append, the snapshot, the review and the command's
record land together or not at all, with no transaction around them (ADR 0046)."""

from __future__ import annotations

import asyncpg
import pytest
from pydantic import BaseModel

from tandem_engagement.adapters.postgres import PostgresEngagementTables
from tandem_engagement.domain.folding import fold_all
from tandem_engagement.domain.workspace import Workspace
from tandem_events.errors import ConcurrencyError
from tandem_service.commands import Appended, CommandRequest
from tandem_service.commands.closing import Closing

from .test_tables_contract import AT, opened_and_closed


class Done(BaseModel):
    """A command's answer."""

    version: int


def closing(key: str) -> Closing:
    request = CommandRequest("ana", "POST /pairs/{pair_id}/check-ins", key, "hash", 201)
    return Closing(request, lambda result: Done(version=result.version))


async def rows(conn: asyncpg.Connection) -> tuple[list[str], int | None, int]:
    keys = await conn.fetch("SELECT idempotency_key FROM command_results ORDER BY 1")
    kept = await conn.fetchval("SELECT version FROM workspace_snapshots WHERE pair_id = 'p1'")
    events = await conn.fetchval("SELECT count(*) FROM events")
    return [k["idempotency_key"] for k in keys], kept, events


async def test_a_stale_command_writes_no_record_no_snapshot_and_no_event(
    pool: asyncpg.Pool,
) -> None:
    opened, closed = opened_and_closed()
    after = fold_all(Workspace(), [opened])
    async with pool.acquire() as conn:
        tables = PostgresEngagementTables(conn)
        first = closing("a")
        appended: Appended = await tables.append_keeping(after, 0, [opened], AT, first)
        assert (appended.version, first.carried) == (1, True)
        assert first.response is not None
        assert first.response.body == {"version": 1}
        with pytest.raises(ConcurrencyError):
            await tables.append_keeping(fold_all(after, [closed]), 0, [closed], None, closing("b"))
        assert await rows(conn) == (["a"], 1, 1)


async def test_a_key_already_recorded_refuses_the_whole_statement(pool: asyncpg.Pool) -> None:
    opened, closed = opened_and_closed()
    after = fold_all(Workspace(), [opened])
    async with pool.acquire() as conn:
        tables = PostgresEngagementTables(conn)
        await tables.append_keeping(after, 0, [opened], AT, closing("a"))
        with pytest.raises(asyncpg.UniqueViolationError):
            await tables.append_keeping(fold_all(after, [closed]), 1, [closed], None, closing("a"))
        assert await rows(conn) == (["a"], 1, 1)
