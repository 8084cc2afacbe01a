"""The workload the fault tests drive, and the ground truth they compare against."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from typing import TypeAlias

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import ConsumerRecord

from tandem_events.catalog.engagement import CheckInLogged
from tandem_events.catalog.matching import PairCreated
from tandem_events.store import EventStore

Record: TypeAlias = ConsumerRecord[bytes, bytes]
SOURCE = "/tandem/faults"
TOPICS = ("matching.events", "engagement.events")
WHEN = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def pair_created(pair_id: str) -> PairCreated:
    """A pair of two members."""
    return PairCreated(
        occurred_at=WHEN,
        actor_id="admin",
        pair_id=pair_id,
        program_id="prog-faults",
        member_ids=("ana", "ben"),
        score=70.0,
    )


def check_in(pair_id: str, n: int) -> CheckInLogged:
    """The pair's ``n``-th check-in (``n`` is in the id, so order can be checked)."""
    return CheckInLogged(
        occurred_at=WHEN,
        actor_id="ana",
        pair_id=pair_id,
        check_in_id=f"{pair_id}-c{n}",
        met_on=date(2026, 11, 24),
        duration_minutes=30,
    )


async def append_workload(
    store: EventStore,
    pairs: int,
    check_ins: int,
    *,
    chunk: int,
    writers: int = 8,
    pause: float = 0.0,
) -> int:
    """Append, per pair, a PairCreated then ``check_ins`` check-ins ``chunk`` at a time.

    Work goes in rounds across all pairs (round 0 creates them), so every pair's events
    are spread over the whole run and many writers commit concurrently, out of order.
    """
    gate = asyncio.Semaphore(writers)
    version = dict.fromkeys(range(pairs), 0)

    async def append(p: int, first: int) -> None:
        pair = f"pair-{p}"
        events = (
            [pair_created(pair)]
            if first == 0
            else [check_in(pair, n) for n in range(first, min(first + chunk, check_ins + 1))]
        )
        async with gate:
            await store.append(pair, version[p], events)
        version[p] += len(events)

    for first in [0, *range(1, check_ins + 1, chunk)]:
        await asyncio.gather(*(append(p, first) for p in range(pairs)))
        await asyncio.sleep(pause)
    return pairs * (1 + check_ins)


async def expected_activity(pool: asyncpg.Pool) -> dict[str, int]:
    """What PairActivity must hold, computed from the store: check-ins per created pair."""
    rows = await pool.fetch(
        "SELECT record_key, count(*) FILTER (WHERE event_type = $2) AS check_ins FROM events "
        "GROUP BY record_key HAVING bool_or(event_type = $1)",
        PairCreated.type_name(),
        CheckInLogged.type_name(),
    )
    return {r["record_key"]: r["check_ins"] for r in rows}


async def projected_activity(pool: asyncpg.Pool) -> dict[str, int]:
    """What PairActivity holds."""
    rows = await pool.fetch("SELECT pair_id, check_ins FROM pair_activity")
    return {r["pair_id"]: r["check_ins"] for r in rows}


async def stored_ids(pool: asyncpg.Pool) -> set[str]:
    """Every event id in the store."""
    return {str(r[0]) for r in await pool.fetch("SELECT event_id FROM events")}


async def relay_pending(pool: asyncpg.Pool, relay: str = "outbox") -> int:
    """Stored events after the relay's recorded progress (all of them before its first save)."""
    return int(
        await pool.fetchval(
            "SELECT count(*) FROM events e WHERE NOT EXISTS (SELECT 1 FROM relay_progress p "
            "WHERE p.relay = $1 AND (e.tx_id, e.position) <= (p.tx_id, p.position))",
            relay,
        )
    )


async def relay_caught_up(pool: asyncpg.Pool) -> bool:
    """Whether the relay has recorded every stored event as published."""
    return await relay_pending(pool) == 0


async def relay_published(pool: asyncpg.Pool, relay: str = "outbox") -> int:
    """Records the relay has recorded as published (republished ones counted again)."""
    value = await pool.fetchval("SELECT published FROM relay_progress WHERE relay = $1", relay)
    return int(value or 0)


async def runner_caught_up(pool: asyncpg.Pool, records: int) -> bool:
    """Whether a runner has committed ``records`` records (fresh topics start at offset 0)
    and has nothing parked."""
    applied = await pool.fetchval("SELECT coalesce(sum(next_offset), 0) FROM projection_offsets")
    parked = await pool.fetchval("SELECT count(*) FROM projection_parked")
    return bool(applied == records and parked == 0)


async def read_topics(bootstrap: str, topics: list[str], timeout: float = 30) -> list[Record]:
    """Every record now on ``topics``, partition by partition in offset order."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, fetch_max_bytes=32 * 1024 * 1024
    )
    await consumer.start()
    try:
        tps = await partitions(bootstrap, topics)
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        end = await consumer.end_offsets(tps)
        records: dict[TopicPartition, list[Record]] = {tp: [] for tp in tps}
        async with asyncio.timeout(timeout):
            while [tp for tp in tps if await consumer.position(tp) < end[tp]]:
                for tp, batch in (await consumer.getmany(timeout_ms=500)).items():
                    records[tp].extend(batch)
    finally:
        await consumer.stop()
    return [r for tp in tps for r in records[tp]]


async def partitions(bootstrap: str, topics: list[str]) -> list[TopicPartition]:
    """The partitions of ``topics``, which must exist."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        described = await admin.describe_topics(topics)
    finally:
        await admin.close()
    found = [
        TopicPartition(t["topic"], p["partition"])
        for t in described
        if t["error_code"] == 0
        for p in t["partitions"]
    ]
    assert {tp.topic for tp in found} == set(topics), f"missing topics among {topics}"
    return sorted(found)


def ce_ids(records: list[Record]) -> list[str]:
    """The CloudEvents id of every record, duplicates kept."""
    return [dict(r.headers)["ce_id"].decode() for r in records]


async def wait_until(
    condition: Callable[[], Awaitable[bool]], timeout: float, what: str, every: float = 0.1
) -> None:
    """Poll ``condition`` until it holds; fail naming ``what`` after ``timeout`` seconds."""
    try:
        async with asyncio.timeout(timeout):
            while not await condition():
                await asyncio.sleep(every)
    except TimeoutError:
        raise AssertionError(f"timed out after {timeout}s waiting for {what}") from None
