"""faust-streaming on the real broker: an agent consumes a topic and updates a table."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import faust
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic


async def test_faust_agent_counts_check_ins_per_pair_in_a_table(
    kafka_bootstrap: str, topic_name: Callable[[str], str], tmp_path: object
) -> None:
    app_id = topic_name("faust-app").replace(".", "-")
    app = faust.App(
        app_id,
        broker=f"kafka://{kafka_bootstrap}",
        store="memory://",
        web_enabled=False,
        topic_partitions=1,
        topic_replication_factor=1,
        datadir=str(tmp_path),
    )
    source = app.topic(topic_name("check-ins"), key_type=str, value_type=str)
    counts = app.Table("check_ins_per_pair", default=int, partitions=1)

    @app.agent(source)
    async def count(stream: faust.StreamT[str]) -> None:
        async for key, _ in stream.items():
            counts[key] += 1

    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(source.get_topic_name(), 1, 1)])
    finally:
        await admin.close()
    await app.start()
    try:
        producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
        await producer.start()
        try:
            # Right after a broker (re)start faust can take tens of seconds to join its group
            # and recover its table; what it reads before that is not what this test is about.
            # A warm-up key, sent until the agent has counted it, proves the agent is live.
            await _until_counted(producer, source.get_topic_name(), counts)
            for i in range(6):
                await producer.send_and_wait(
                    source.get_topic_name(), key=f"pair-{i % 2}".encode(), value=b'"logged"'
                )
        finally:
            await producer.stop()
        for _ in range(300):
            if counts["pair-0"] == 3 and counts["pair-1"] == 3:
                break
            await asyncio.sleep(0.1)
        assert counts["pair-0"] == 3
        assert counts["pair-1"] == 3
    finally:
        await app.stop()


async def _until_counted(
    producer: AIOKafkaProducer, topic: str, counts: faust.Table[str, int]
) -> None:
    """Send a warm-up record every 2 s until the agent has counted one (at most 120 s)."""
    for _ in range(60):
        await producer.send_and_wait(topic, key=b"warm-up", value=b'"logged"')
        for _ in range(20):
            if counts["warm-up"] >= 1:
                return
            await asyncio.sleep(0.1)
    raise AssertionError("the faust agent counted nothing in 120 s")
