"""Many streams appended in one statement: each one succeeds or conflicts on its own."""

from __future__ import annotations

import asyncpg
import pytest

from tandem_events.errors import ConcurrencyError
from tandem_events.store import EventStore
from tandem_events.store_batch import append_many

from ..conftest import check_in

SOURCE = "/tandem/test"


async def test_many_streams_in_one_statement_each_on_its_own(pool: asyncpg.Pool) -> None:
    store = EventStore(pool, SOURCE)
    await store.append("s-old", 0, [check_in("s-old", 1)])
    await store.append("s-moved", 0, [check_in("s-moved", 1), check_in("s-moved", 2)])
    async with pool.acquire() as conn, conn.transaction():
        appended = await append_many(
            conn,
            SOURCE,
            [
                ("s-new", 0, [check_in("s-new", 1), check_in("s-new", 2)]),
                ("s-old", 1, [check_in("s-old", 2)]),
                ("s-moved", 1, [check_in("s-moved", 9)]),  # stale: the stream is at 2
                ("s-empty", 0, []),
            ],
        )
    assert appended == {"s-new", "s-old"}
    assert [e.version for e in await store.read_stream("s-new")] == [1, 2]
    assert [e.event().check_in_id for e in await store.read_stream("s-old")] == [  # type: ignore[attr-defined]  # CheckInLogged
        "s-old-c1",
        "s-old-c2",
    ]
    assert await store.version_of("s-moved") == 2
    assert await store.version_of("s-empty") == 0


async def test_a_rolled_back_caller_takes_the_appends_with_it(pool: asyncpg.Pool) -> None:
    store = EventStore(pool, SOURCE)
    async with pool.acquire() as conn:
        tx = conn.transaction()
        await tx.start()
        await append_many(conn, SOURCE, [("s-1", 0, [check_in("s-1")])])
        await tx.rollback()
    assert await store.version_of("s-1") == 0


async def test_the_store_appends_many_streams_or_refuses_with_the_stale_one(
    pool: asyncpg.Pool,
) -> None:
    store = EventStore(pool, SOURCE)
    await store.append("s-taken", 0, [check_in("s-taken", 1)])
    await store.append_streams([("s-a", 0, [check_in("s-a")]), ("s-b", 0, [check_in("s-b")])])
    assert await store.version_of("s-a") == await store.version_of("s-b") == 1
    with pytest.raises(ConcurrencyError) as refused:
        async with pool.acquire() as conn, conn.transaction():
            await store.append_streams(
                [("s-c", 0, [check_in("s-c")]), ("s-taken", 0, [check_in("s-taken", 2)])],
                conn=conn,
            )
    assert refused.value.stream_id == "s-taken"
    assert await store.version_of("s-c") == 0  # the caller's transaction took it back
