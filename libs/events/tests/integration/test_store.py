"""The event store on the real PostgreSQL: optimistic concurrency, idempotency, reads."""

from __future__ import annotations

import asyncio
import random
from datetime import timedelta

import asyncpg
import pytest

from tandem_events.catalog.engagement import CheckInLogged
from tandem_events.errors import ConcurrencyError
from tandem_events.store import EventStore
from tandem_events.store_pruning import prune_idempotency

from ..conftest import check_in


async def test_append_then_read_returns_typed_events_in_order(pool: asyncpg.Pool) -> None:
    store = EventStore(pool, "/tandem/test")
    result = await store.append("pair-1", 0, [check_in("pair-1", 1), check_in("pair-1", 2)])
    assert result.version == 2
    await store.append("pair-1", 2, [check_in("pair-1", 3)])
    events = await store.read_stream("pair-1")
    assert [e.version for e in events] == [1, 2, 3]
    first = events[0].event()
    assert isinstance(first, CheckInLogged)
    assert first.check_in_id == "pair-1-c1"
    assert events[0].envelope.type == "tandem.engagement.CheckInLogged.v1"
    assert events[0].envelope.key == "pair-1"
    assert await store.version_of("pair-1") == 3


async def test_two_writers_at_the_same_version_exactly_one_wins(pool: asyncpg.Pool) -> None:
    store = EventStore(pool, "/tandem/test")
    await store.append("pair-2", 0, [check_in("pair-2", 1)])
    outcomes = await asyncio.gather(
        *(store.append("pair-2", 1, [check_in("pair-2", 10 + i)]) for i in range(8)),
        return_exceptions=True,
    )
    wins = [o for o in outcomes if not isinstance(o, BaseException)]
    conflicts = [o for o in outcomes if isinstance(o, ConcurrencyError)]
    assert len(wins) == 1
    assert len(conflicts) == 7
    assert await store.version_of("pair-2") == 2
    assert len(await store.read_stream("pair-2")) == 2


async def test_new_stream_race_has_one_winner(pool: asyncpg.Pool) -> None:
    store = EventStore(pool, "/tandem/test")
    outcomes = await asyncio.gather(
        *(store.append("pair-new", 0, [check_in("pair-new", i)]) for i in range(6)),
        return_exceptions=True,
    )
    assert sum(not isinstance(o, BaseException) for o in outcomes) == 1
    assert len(await store.read_stream("pair-new")) == 1


async def test_an_expected_version_ahead_of_the_stream_is_refused(pool: asyncpg.Pool) -> None:
    store = EventStore(pool, "/tandem/test")
    with pytest.raises(ConcurrencyError, match="no longer at version 5"):
        await store.append("pair-3", 5, [check_in("pair-3")])
    assert await store.read_stream("pair-3") == []


async def test_a_retried_command_appends_nothing_twice(pool: asyncpg.Pool) -> None:
    store = EventStore(pool, "/tandem/test")
    first = await store.append("pair-4", 0, [check_in("pair-4")], idempotency_key="cmd-1")
    again = await store.append("pair-4", 0, [check_in("pair-4")], idempotency_key="cmd-1")
    assert not first.replayed
    assert again.replayed
    assert again.version == first.version == 1
    assert len(await store.read_stream("pair-4")) == 1


async def test_concurrent_retries_of_one_command_append_once(pool: asyncpg.Pool) -> None:
    store = EventStore(pool, "/tandem/test")
    outcomes = await asyncio.gather(
        *(
            store.append("pair-5", 0, [check_in("pair-5")], idempotency_key="cmd-x")
            for _ in range(6)
        )
    )
    assert sum(not o.replayed for o in outcomes) == 1
    assert len(await store.read_stream("pair-5")) == 1


async def test_a_conflicting_append_with_a_key_does_not_burn_the_key(pool: asyncpg.Pool) -> None:
    store = EventStore(pool, "/tandem/test")
    await store.append("pair-6", 0, [check_in("pair-6")])
    with pytest.raises(ConcurrencyError):
        await store.append("pair-6", 0, [check_in("pair-6", 2)], idempotency_key="cmd-y")
    result = await store.append("pair-6", 1, [check_in("pair-6", 2)], idempotency_key="cmd-y")
    assert not result.replayed
    assert result.version == 2


async def test_load_folds_a_stream_into_state(pool: asyncpg.Pool) -> None:
    store = EventStore(pool, "/tandem/test")
    await store.append("pair-7", 0, [check_in("pair-7", i) for i in range(3)])
    minutes, version = await store.load(
        "pair-7", 0, lambda total, e: total + getattr(e, "duration_minutes", 0)
    )
    assert (minutes, version) == (90, 3)


async def test_a_v1_event_in_the_store_reads_as_the_current_model(pool: asyncpg.Pool) -> None:
    from tandem_events.catalog.engagement import FeedbackGiven

    await pool.execute(
        "INSERT INTO streams VALUES ('pair-old', 1);"
        "INSERT INTO events (event_id, stream_id, version, event_type, source, topic, record_key,"
        " occurred_at, payload) VALUES (gen_random_uuid(), 'pair-old', 1,"
        " 'tandem.engagement.FeedbackGiven.v1', '/legacy', 'engagement.events', 'pair-old',"
        ' now(), \'{"occurred_at": "2025-01-01T00:00:00+00:00", "actor_id": "ana",'
        ' "pair_id": "pair-old", "feedback_id": "f1", "to_person_id": "ben",'
        ' "rating": 5}\')'
    )
    store = EventStore(pool, "/tandem/test")
    [stored] = await store.read_stream("pair-old")
    event = stored.event()
    assert isinstance(event, FeedbackGiven)
    assert (event.helpfulness, event.kind) == (5, "general")


async def test_a_lost_race_inside_the_callers_transaction_leaves_it_usable(
    pool: asyncpg.Pool,
) -> None:
    store = EventStore(pool, "/tandem/test")
    twin = await pool.acquire()
    caller = await pool.acquire()
    try:
        twin_tx = twin.transaction()
        await twin_tx.start()
        await store.append("pair-twin", 0, [check_in("pair-twin")], idempotency_key="k", conn=twin)
        async with caller.transaction():
            await caller.execute("CREATE TEMP TABLE side_effect (n int)")
            # The caller's insert of the same key blocks on the twin's uncommitted row...
            racing = asyncio.create_task(
                store.append(
                    "pair-elsewhere",
                    0,
                    [check_in("pair-elsewhere")],
                    idempotency_key="k",
                    conn=caller,
                )
            )
            await asyncio.sleep(0.3)
            assert not racing.done()
            await twin_tx.commit()  # ...and fails with a unique violation once it commits.
            result = await racing
            assert result.replayed
            await caller.execute("INSERT INTO side_effect VALUES (1)")
            assert await caller.fetchval("SELECT count(*) FROM side_effect") == 1
    finally:
        await pool.release(twin)
        await pool.release(caller)
    assert len(await store.read_stream("pair-twin")) == 1
    assert await store.read_stream("pair-elsewhere") == []


async def test_many_writers_on_few_hot_streams_see_only_real_conflicts(pool: asyncpg.Pool) -> None:
    """48 writers on 6 streams through group commit: concurrent batches lock rows in opposite
    orders unless the store orders them; a deadlock must never reach a caller."""
    store = EventStore(pool, "/tandem/test")
    streams = [f"hot-{n}" for n in range(6)]
    rng = random.Random(11)
    appended = 0
    conflicts = 0

    async def writer(w: int) -> None:
        nonlocal appended, conflicts
        for i in range(40):
            stream = rng.choice(streams)
            while True:
                version = await store.version_of(stream)
                try:
                    await store.append(stream, version, [check_in(stream, w * 1000 + i)])
                    appended += 1
                    break
                except ConcurrencyError:
                    conflicts += 1  # someone appended first: reload and retry

    await asyncio.gather(*(writer(w) for w in range(48)))
    assert appended == 48 * 40
    rows = await pool.fetch(
        "SELECT stream_id, count(*) AS n, max(version) AS top FROM events GROUP BY stream_id"
    )
    assert sum(r["n"] for r in rows) == appended, "every success stored, nothing else"
    assert all(r["n"] == r["top"] for r in rows), "versions gap-free per stream"


async def test_pruning_removes_only_idempotency_records_older_than_the_age(
    pool: asyncpg.Pool,
) -> None:
    store = EventStore(pool, "/tandem/test")
    await store.append("pair-old", 0, [check_in("pair-old")], idempotency_key="old")
    await store.append("pair-new", 0, [check_in("pair-new")], idempotency_key="new")
    await pool.execute(
        "UPDATE command_idempotency SET recorded_at = now() - interval '40 days' "
        "WHERE idempotency_key = 'old'"
    )
    assert await prune_idempotency(pool, timedelta(days=30)) == {"command_idempotency": 1}
    keys = await pool.fetch("SELECT idempotency_key FROM command_idempotency")
    assert [k[0] for k in keys] == ["new"]
