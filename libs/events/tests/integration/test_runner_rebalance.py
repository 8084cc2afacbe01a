"""A rebalance while a batch is being applied makes the runner read nothing twice.

The listener positions the consumer where the database says each partition resumes. Read
while a batch was still in its transaction, that was the offset before the batch: once the
batch committed, the runner fetched and decoded it again, only for the offsets'
compare-and-set to fail and the transaction to roll back (about 13 % of a catch-up's
records were decoded twice).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Sequence

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from tandem_events.catalog.base import DomainEvent
from tandem_events.envelope import Envelope
from tandem_events.kafka_producer import EventPublisher
from tandem_events.projection import ProjectionContext
from tandem_events.reading import Batch, Record
from tandem_events.runner import ProjectionRunner
from tandem_testkit.owner import CATALOG_LOGS, provision_logs

from ..conftest import check_in
from .conftest import SOURCE, wait_for

EVENTS = 300


async def publisher_of(bootstrap: str, prefix: str) -> EventPublisher:
    """A started publisher to the catalog's topics, provisioned under ``prefix``."""
    await provision_logs(bootstrap, prefix, CATALOG_LOGS, dead_letters=True)
    publisher = EventPublisher(bootstrap, topic_prefix=prefix)
    await publisher.start()
    return publisher


def check_ins(first: int, end: int) -> list[Envelope]:
    """Check-ins ``first`` to ``end`` of seven pairs (so on every partition)."""
    return [Envelope.wrap(check_in(f"pair-{n % 7}", n), SOURCE) for n in range(first, end)]


async def published(bootstrap: str, prefix: str) -> str:
    """``EVENTS`` check-ins under ``prefix``."""
    publisher = await publisher_of(bootstrap, prefix)
    await publisher.publish(check_ins(0, EVENTS))
    await publisher.stop()
    return prefix


def members(
    pool: asyncpg.Pool, bootstrap: str, prefix: str, *projections: HeldFirstBatch
) -> list[ProjectionRunner]:
    """One runner per projection, all in the group ``prefix`` + g."""
    return [
        ProjectionRunner(pool, bootstrap, p, group_id=prefix + "g", topic_prefix=prefix)
        for p in projections
    ]


async def caught_up(pool: asyncpg.Pool) -> bool:
    stored = await pool.fetchval("SELECT coalesce(sum(next_offset), 0) FROM projection_offsets")
    return bool(stored == EVENTS)


class HeldFirstBatch:
    """Counts events; its first batch waits until the test lets it go."""

    name = "held-first-batch"
    topics: Sequence[str] = ("engagement.events",)
    tables: Sequence[str] = ()

    def __init__(self) -> None:
        self.entered = asyncio.Event()
        self.release = asyncio.Event()
        self.applied = 0

    async def apply(self, ctx: ProjectionContext, event: DomainEvent, envelope: Envelope) -> None:
        await self.apply_batch(ctx, [(event, envelope)])

    async def apply_batch(
        self, ctx: ProjectionContext, items: Sequence[tuple[DomainEvent, Envelope]]
    ) -> None:
        self.entered.set()
        await self.release.wait()
        self.applied += len(items)


async def second_joins(
    pool: asyncpg.Pool, runners: list[ProjectionRunner], first: HeldFirstBatch
) -> None:
    """The second member joins while the first holds its batch; then the first goes on."""
    joining = asyncio.create_task(runners[1].start())
    await asyncio.sleep(5.0)  # past a heartbeat: the first member hears of the rebalance
    first.release.set()
    await wait_for(lambda: caught_up(pool))
    await joining


def assert_read_once(decoded: Counter[str]) -> None:
    twice = sum(1 for n in decoded.values() if n > 1)
    assert twice == 0, f"{twice} of {EVENTS} records decoded more than once"


async def test_a_rebalance_during_a_batch_reads_no_record_twice(
    activity_pool: asyncpg.Pool,
    kafka_bootstrap: str,
    topic_name: Callable[[str], str],
    decoded: Counter[str],
) -> None:
    prefix = await published(kafka_bootstrap, topic_name("rebalance") + ".")
    projection = HeldFirstBatch()
    runner = ProjectionRunner(
        activity_pool, kafka_bootstrap, projection, group_id=prefix + "g", topic_prefix=prefix
    )
    # A second member of the group, on another topic: the group rebalances, and the runner
    # is given its partitions back while its first batch is still open.
    other = AIOKafkaConsumer(
        prefix + "matching.events", bootstrap_servers=kafka_bootstrap, group_id=prefix + "g"
    )
    await runner.start()
    try:
        await asyncio.wait_for(projection.entered.wait(), 30)
        joining = asyncio.create_task(other.start())
        await asyncio.wait([joining], timeout=15)
        await asyncio.sleep(1.0)  # let the runner's listener have its turn
        projection.release.set()

        await wait_for(lambda: caught_up(activity_pool))
        await joining
    finally:
        await other.stop()
        await runner.stop()
    assert projection.applied == EVENTS
    assert_read_once(decoded)


async def test_a_member_taking_partitions_during_a_batch_reads_none_of_them_twice(
    activity_pool: asyncpg.Pool,
    kafka_bootstrap: str,
    topic_name: Callable[[str], str],
    decoded: Counter[str],
) -> None:
    # Two processes of one service starting together: the first takes every partition and
    # is applying its first batch when the second joins and takes some of them over. If
    # the first rejoined before that batch committed, the second would read the stored
    # offsets from before it and decode (and apply, to be rolled back) the batch again.
    prefix = await published(kafka_bootstrap, topic_name("takeover") + ".")
    first, second = HeldFirstBatch(), HeldFirstBatch()
    second.release.set()
    runners = members(activity_pool, kafka_bootstrap, prefix, first, second)
    await runners[0].start()
    try:
        await asyncio.wait_for(first.entered.wait(), 30)
        await second_joins(activity_pool, runners, first)
    finally:
        for runner in runners:
            await runner.stop()
    assert first.applied + second.applied == EVENTS
    assert_read_once(decoded)


async def test_a_member_taking_partitions_after_reading_ahead_reads_none_of_them_twice(
    activity_pool: asyncpg.Pool,
    kafka_bootstrap: str,
    topic_name: Callable[[str], str],
    decoded: Counter[str],
) -> None:
    # The first member's batch is held while the records after it are read ahead; then a
    # second member joins. The read-ahead is applied with the batch before the first member
    # rejoins: dropped, every one of them was decoded again by its next owner.
    prefix = topic_name("handover") + "."
    publisher = await publisher_of(kafka_bootstrap, prefix)
    first, second = HeldFirstBatch(), HeldFirstBatch()
    second.release.set()
    runners = members(activity_pool, kafka_bootstrap, prefix, first, second)
    try:
        await publisher.publish(check_ins(0, 50))
        await runners[0].start()
        await asyncio.wait_for(first.entered.wait(), 30)
        await publisher.publish(check_ins(50, EVENTS))

        async def all_read() -> bool:
            return len(decoded) == EVENTS

        await wait_for(all_read, limit=15)  # the batch is held: read ahead, not applied
        await second_joins(activity_pool, runners, first)
    finally:
        await publisher.stop()
        for runner in runners:
            await runner.stop()
    assert first.applied + second.applied == EVENTS
    assert_read_once(decoded)


async def test_records_handed_out_before_the_listener_seeks_are_not_decoded(
    activity_pool: asyncpg.Pool,
    kafka_bootstrap: str,
    topic_name: Callable[[str], str],
    decoded: Counter[str],
) -> None:
    # After a reassignment aiokafka hands out records from the group's committed offsets
    # before the listener's seek (it waits for the runner's turn). Those may trail the
    # stored offsets (told to Kafka after each batch; a batch applied at the revocation is
    # not): decoded, they were read twice, for the compare-and-set to roll them back.
    # Here the consumer is put where such a reassignment leaves it: at the start.
    prefix = await published(kafka_bootstrap, topic_name("committed") + ".")
    projection = HeldFirstBatch()
    projection.release.set()
    runner = members(activity_pool, kafka_bootstrap, prefix, projection)[0]
    await runner.start()
    try:
        await wait_for(lambda: caught_up(activity_pool))
        assert runner._consumer is not None
        async with runner._turn:
            for tp in runner._consumer.assignment():
                runner._consumer.seek(tp, 0)
            runner._seek_pending = True
        await asyncio.sleep(3.0)
    finally:
        await runner.stop()
    assert projection.applied == EVENTS
    assert_read_once(decoded)


async def test_a_batch_decoded_across_a_revocation_is_not_applied(
    activity_pool: asyncpg.Pool,
    kafka_bootstrap: str,
    topic_name: Callable[[str], str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The first member is decoding its first batch (every partition) when a second member
    # joins, takes some partitions and applies them from the stored offsets. Applied after
    # the rebalance, the first member's batch wrote the same rows, and one of the two
    # transactions rolled back: both projections saw those events twice.
    go_on = asyncio.Event()
    take = Batch.take
    calls = 0

    async def slow_first_take(batch: Batch, records: dict[TopicPartition, list[Record]]) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            await go_on.wait()
        await take(batch, records)

    monkeypatch.setattr(Batch, "take", slow_first_take)
    prefix = await published(kafka_bootstrap, topic_name("decoding") + ".")
    first, second = HeldFirstBatch(), HeldFirstBatch()
    first.release.set()
    second.release.set()
    runners = members(activity_pool, kafka_bootstrap, prefix, first, second)
    await runners[0].start()
    try:
        await runners[1].start()

        async def second_applied() -> bool:
            return second.applied > 0

        await wait_for(second_applied)
        go_on.set()
        await wait_for(lambda: caught_up(activity_pool))
        await asyncio.sleep(1.0)
    finally:
        go_on.set()
        for runner in runners:
            await runner.stop()
    assert first.applied + second.applied == EVENTS
