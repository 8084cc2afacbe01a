"""Single-write commands on PostgreSQL: no claim and no transaction, yet a key still applies
once, a retry gets the first response, and a stale command writes nothing at all."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import asyncpg
import pytest
from pydantic import BaseModel

from tandem_events.catalog.engagement import CheckInLogged
from tandem_events.envelope import Envelope
from tandem_events.errors import ConcurrencyError
from tandem_events.store import AppendResult, EventStore
from tandem_events.store_append import APPEND_PARAMETERS, APPEND_STEPS, Pending, append_arguments
from tandem_service.commands import CommandContext, CommandRequest
from tandem_service.commands.closing import Closing
from tandem_service.commands.records import record_step
from tandem_service.commands.runner import run_single_write
from tandem_service.errors import Conflict, KeyReused

SOURCE = "/tandem/kit"
STREAM = "pair-1"
# The store's append and the command's record, the record only if the append happened.
_APPEND_AND_RECORD = (
    f"{APPEND_STEPS},\n{record_step(APPEND_PARAMETERS + 1, 'EXISTS (SELECT 1 FROM moved)')}\n"
    "SELECT count(*) FROM appended"
)


class Logged(BaseModel):
    """The command's answer."""

    version: int
    replayed: bool = False


class Ledger:
    """A single-write adapter: one statement appends and records the command."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def append(self, version: int, closing: Closing | None) -> AppendResult:
        event = CheckInLogged(
            occurred_at=datetime(2026, 11, 24, 9, 0, tzinfo=UTC),
            actor_id="p-1",
            pair_id=STREAM,
            check_in_id=f"c{version + 1}",
            met_on=date(2026, 11, 24),
            duration_minutes=30,
        )
        pending = Pending(STREAM, version, version + 1, None, [Envelope.wrap(event, SOURCE)])
        result = AppendResult(STREAM, pending.new_version)
        assert closing is not None
        record = closing.record(result)
        assert record is not None
        if not await self._conn.fetchval(
            _APPEND_AND_RECORD, *append_arguments(SOURCE, pending), *record
        ):
            raise ConcurrencyError(STREAM, version)
        return result


@pytest.fixture
def ctx(pool: asyncpg.Pool) -> CommandContext[Ledger]:
    return CommandContext.on_postgres(pool, EventStore(pool, SOURCE), Ledger)


def req(key: str = "k", body: str = "a") -> CommandRequest:
    return CommandRequest("p-1", "POST /pairs/{pair_id}/check-ins", key, f"hash-{body}", 201)


async def log(
    ctx: CommandContext[Ledger], request: CommandRequest, pause: float = 0.0, once: bool = False
) -> dict[str, object]:
    """Log a check-in at the stream's current version; ``once`` refuses a second one."""

    async def handle(c: CommandContext[Ledger]) -> AppendResult:
        _, version = await c.load(STREAM, 0, lambda n, _: n + 1)
        if once and version:
            raise Conflict("already logged")
        await asyncio.sleep(pause)  # racing twins have both read the stream by now
        async with c.transaction() as tx:
            return await tx.tables.append(version, tx.closing)

    response = await run_single_write(ctx, request, handle, lambda r: Logged(version=r.version))
    return response.body


async def counts(pool: asyncpg.Pool) -> tuple[int, int]:
    async with pool.acquire() as conn:
        events = await conn.fetchval("SELECT count(*) FROM events WHERE stream_id = $1", STREAM)
        records = await conn.fetchval("SELECT count(*) FROM command_results")
    return events, records


async def test_a_retry_runs_again_but_writes_nothing_and_gets_the_first_answer(
    ctx: CommandContext[Ledger], pool: asyncpg.Pool
) -> None:
    first = await log(ctx, req())
    # The retry's append at the new version would succeed alone: the key's record refuses
    # the whole statement, append included.
    again = await log(ctx, req())
    assert first == {"version": 1, "replayed": False}
    assert again == {"version": 1, "replayed": True}
    assert await counts(pool) == (1, 1)


async def test_a_retry_the_state_now_refuses_still_gets_the_first_answer(
    ctx: CommandContext[Ledger], pool: asyncpg.Pool
) -> None:
    await log(ctx, req(), once=True)
    assert await log(ctx, req(), once=True) == {"version": 1, "replayed": True}
    with pytest.raises(Conflict):
        await log(ctx, req(key="other"), once=True)
    assert await counts(pool) == (1, 1)


async def test_racing_twins_with_one_key_append_once_and_answer_alike(
    ctx: CommandContext[Ledger], pool: asyncpg.Pool
) -> None:
    twins = await asyncio.gather(*(log(ctx, req(), pause=0.2) for _ in range(2)))
    assert sorted(t["replayed"] for t in twins) == [False, True]
    assert {t["version"] for t in twins} == {1}
    assert await counts(pool) == (1, 1)


async def test_a_stale_command_is_a_conflict_and_writes_nothing_not_even_its_record(
    ctx: CommandContext[Ledger], pool: asyncpg.Pool
) -> None:
    results = await asyncio.gather(
        log(ctx, req(key="a"), pause=0.2),
        log(ctx, req(key="b"), pause=0.2),
        return_exceptions=True,
    )
    assert sorted(type(r).__name__ for r in results) == ["ConcurrencyError", "dict"]
    assert await counts(pool) == (1, 1)


async def test_a_key_sent_again_with_another_request_is_refused(
    ctx: CommandContext[Ledger], pool: asyncpg.Pool
) -> None:
    await log(ctx, req())
    with pytest.raises(KeyReused):
        await log(ctx, req(body="b"))
    assert await counts(pool) == (1, 1)
