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
