"""Rebuilding a projection while the live one serves: same state, swapped in one transaction."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import asyncpg
from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, RecordsToDelete

from tandem_events.envelope import Envelope
from tandem_events.kafka_producer import EventPublisher, ensure_topics
from tandem_events.rebuild import rebuild_projection
from tandem_events.runner import ProjectionRunner
from tandem_testkit.owner import CATALOG_LOGS, provision_logs
from tandem_testkit.pair_activity import PairActivity

from ..conftest import check_in
from .conftest import SOURCE, pair_created, wait_for


async def test_rebuild_replays_into_a_shadow_and_swaps_while_the_runner_goes_on(
    activity_pool: asyncpg.Pool, kafka_bootstrap: str, topic_name: Callable[[str], str]
) -> None:
    prefix = topic_name("rebuild") + "."
    await provision_logs(kafka_bootstrap, prefix, CATALOG_LOGS, dead_letters=True)
    publisher = EventPublisher(kafka_bootstrap, topic_prefix=prefix)
    await publisher.start()
    # A check-in published before its pair exercises parking during the replay too.
    await publisher.publish([Envelope.wrap(check_in("pair-0", 99), SOURCE)])
    await publisher.publish(
        [Envelope.wrap(pair_created(f"pair-{p}"), SOURCE) for p in range(5)]
        + [Envelope.wrap(check_in(f"pair-{p}", i), SOURCE) for p in range(5) for i in range(p)]
    )
    runner = ProjectionRunner(
        activity_pool, kafka_bootstrap, PairActivity(), group_id=prefix + "g", topic_prefix=prefix
    )
    await runner.start()

    async def caught_up() -> bool:
        return await activity_pool.fetchval("SELECT sum(check_ins) FROM pair_activity") == 11

    try:
        await wait_for(caught_up)
        # Damage the live table: a rebuild must restore the truth from the log.
        await activity_pool.execute("UPDATE pair_activity SET check_ins = 0")
        applied = await rebuild_projection(
            activity_pool, kafka_bootstrap, PairActivity(), topic_prefix=prefix, show_progress=False
        )
        assert applied == 16
        assert await caught_up()
        # The live runner carries on after the swap, applying new events exactly once.
        await publisher.publish([Envelope.wrap(check_in("pair-4", 100), SOURCE)])

        async def one_more() -> bool:
            return (
                await activity_pool.fetchval(
                    "SELECT check_ins FROM pair_activity WHERE pair_id = 'pair-4'"
                )
                == 5
            )

        await wait_for(one_more)
        await asyncio.sleep(1.5)
        assert await activity_pool.fetchval("SELECT sum(check_ins) FROM pair_activity") == 12
        leftovers = await activity_pool.fetchval(
            "SELECT count(*) FROM pg_tables WHERE tablename LIKE 'pair_activity__%'"
        )
        assert leftovers == 0
    finally:
        await runner.stop()
        await publisher.stop()


async def test_rebuild_finishes_when_retention_emptied_a_partition_above_offset_zero(
    activity_pool: asyncpg.Pool, kafka_bootstrap: str, topic_name: Callable[[str], str]
) -> None:
    prefix = topic_name("rebuild-emptied") + "."
    topic = prefix + "matching.events"
    await ensure_topics(kafka_bootstrap, [topic, prefix + "engagement.events"], partitions=1)
    publisher = EventPublisher(kafka_bootstrap, topic_prefix=prefix)
    await publisher.start()
    try:
        await publisher.publish(
            [Envelope.wrap(pair_created(f"pair-{n}"), SOURCE) for n in range(3)]
        )
    finally:
        await publisher.stop()
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    await admin.start()
    try:  # start == end == 3 on the only partition
        await admin.delete_records({TopicPartition(topic, 0): RecordsToDelete(before_offset=3)})
    finally:
        await admin.close()
    async with asyncio.timeout(30):
        applied = await rebuild_projection(
            activity_pool, kafka_bootstrap, PairActivity(), topic_prefix=prefix, show_progress=False
        )
    assert applied == 0


async def test_a_rebuild_without_swap_leaves_the_shadow_beside_the_untouched_live_table(
    activity_pool: asyncpg.Pool, kafka_bootstrap: str, topic_name: Callable[[str], str]
) -> None:
    prefix = topic_name("rebuild-noswap") + "."
    await provision_logs(kafka_bootstrap, prefix, CATALOG_LOGS, dead_letters=True)
    publisher = EventPublisher(kafka_bootstrap, topic_prefix=prefix)
    await publisher.start()
    try:
        await publisher.publish(
            [Envelope.wrap(pair_created("pair-0"), SOURCE)]
            + [Envelope.wrap(check_in("pair-0", i), SOURCE) for i in range(3)]
        )
    finally:
        await publisher.stop()
    applied = await rebuild_projection(
        activity_pool,
        kafka_bootstrap,
        PairActivity(),
        topic_prefix=prefix,
        show_progress=False,
        swap=False,
    )
    assert applied == 4
    # The fault drill compares the two tables: the shadow holds the log's truth, the live
    # table (never fed here) and its offsets stay as they were.
    assert await activity_pool.fetchval("SELECT check_ins FROM pair_activity__rebuild") == 3
    assert await activity_pool.fetchval("SELECT count(*) FROM pair_activity") == 0
    assert await activity_pool.fetchval("SELECT count(*) FROM projection_offsets") == 0
