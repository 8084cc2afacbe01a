"""Command records on PostgreSQL and in memory keep one contract; racing twins run once."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

import asyncpg
import pytest
from pydantic import BaseModel

from tandem_events.catalog.engagement import CheckInLogged
from tandem_events.errors import ConcurrencyError
from tandem_events.store import EventStore
from tandem_service.commands import CommandContext, CommandRequest, StoredResponse, run_command
from tandem_service.commands.records import (
    CommandRecords,
    InMemoryCommandRecords,
    PostgresCommandRecords,
)
from tandem_service.database import create_pool


@pytest.fixture(params=["postgres", "memory"])
async def records(
    request: pytest.FixtureRequest, pool: asyncpg.Pool
) -> AsyncIterator[CommandRecords]:
    if request.param == "memory":
        yield InMemoryCommandRecords()
        return
    async with pool.acquire() as conn:
        yield PostgresCommandRecords(conn)


def req(caller: str = "admin-1", operation: str = "POST /x", key: str = "k") -> CommandRequest:
    return CommandRequest(caller, operation, key, "hash-1", 201)


async def test_a_new_key_is_claimed_then_answers_with_its_response(records: CommandRecords) -> None:
    assert await records.claim(req()) is None
    await records.complete(req(), StoredResponse("hash-1", 201, {"id": "a", "n": [1, 2]}))
    assert await records.claim(req()) == StoredResponse("hash-1", 201, {"id": "a", "n": [1, 2]})


async def test_keys_are_scoped_to_caller_and_operation(records: CommandRecords) -> None:
    await records.claim(req())
    await records.complete(req(), StoredResponse("hash-1", 201, {"id": "a"}))
    assert await records.claim(req(caller="ana")) is None
    assert await records.claim(req(operation="POST /y")) is None


class Done(BaseModel):
    """The racing command's answer."""

    version: int
    replayed: bool = False


def check_in(pair_id: str) -> CheckInLogged:
    return CheckInLogged(
        occurred_at=datetime(2026, 11, 24, 9, 0, tzinfo=UTC),
        actor_id="p-1",
        pair_id=pair_id,
        check_in_id=f"{pair_id}-c1",
        met_on=date(2026, 11, 24),
        duration_minutes=30,
    )


async def test_racing_twins_with_one_key_append_once_and_answer_alike(pool: asyncpg.Pool) -> None:
    ctx = CommandContext.on_postgres(pool, EventStore(pool, "/tandem/kit"), lambda conn: None)

    async def handle(c: CommandContext[None]) -> int:
        _, version = await c.load("pair-race", 0, lambda n, _: n + 1)
        async with c.transaction() as tx:
            appended = await tx.append("pair-race", version, [check_in("pair-race")])
        await asyncio.sleep(0.2)  # the twin is now waiting on our claim
        return appended.version

    twins = await asyncio.gather(
        *(run_command(ctx, req(key="race"), handle, lambda v: Done(version=v)) for _ in range(2))
    )
    assert sorted(t.body["replayed"] for t in twins) == [False, True]
    assert {t.body["version"] for t in twins} == {1}
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM events WHERE stream_id = 'pair-race'") == 1


async def test_commands_beyond_the_pool_size_do_not_starve_it(dsn: str) -> None:
    small = await create_pool(dsn, max_size=2)
    try:
        ctx = CommandContext.on_postgres(small, EventStore(small, "/tandem/kit"), lambda conn: None)

        async def handle(c: CommandContext[None]) -> int:
            _, version = await c.load("pair-busy", 0, lambda n, _: n + 1)
            await asyncio.sleep(0.05)  # every runner holds its connection while others load
            async with c.transaction() as tx:
                return (await tx.append("pair-busy", version, [check_in("pair-busy")])).version

        async def one(n: int) -> None:
            with contextlib.suppress(ConcurrencyError):  # a lost race is a 409, not a hang
                await run_command(ctx, req(key=f"k{n}"), handle, lambda v: Done(version=v))

        async with asyncio.timeout(20):
            await asyncio.gather(*(one(n) for n in range(6)))
    finally:
        await small.close()
