"""aiokafka against the real broker: keys, headers and values survive a round trip."""

from __future__ import annotations

from collections.abc import Callable

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic


async def test_produce_consume_round_trip_keeps_keys_headers_and_order(
    kafka_bootstrap: str, topic_name: Callable[[str], str]
) -> None:
    topic = topic_name("smoke")
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, num_partitions=3, replication_factor=1)])
    finally:
        await admin.close()

    producer = AIOKafkaProducer(
        bootstrap_servers=kafka_bootstrap, acks="all", enable_idempotence=True
    )
    await producer.start()
    try:
        for i in range(30):
            await producer.send(
                topic,
                key=f"pair-{i % 3}".encode(),
                value=str(i).encode(),
                headers=[("ce_type", b"tandem.smoke.Pinged.v1")],
            )
        await producer.flush()
    finally:
        await producer.stop()

    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=kafka_bootstrap,
        auto_offset_reset="earliest",
        group_id=f"{topic}-group",
    )
    await consumer.start()
    seen: dict[str, list[int]] = {}
    partitions: dict[str, set[int]] = {}
    try:
        while sum(len(v) for v in seen.values()) < 30:
            batch = await consumer.getmany(timeout_ms=10_000)
            assert batch, "no records within 10 s"
            for records in batch.values():
                for record in records:
                    assert record.headers == (("ce_type", b"tandem.smoke.Pinged.v1"),)
                    key = record.key.decode()
                    seen.setdefault(key, []).append(int(record.value))
                    partitions.setdefault(key, set()).add(record.partition)
    finally:
        await consumer.stop()
    assert set(seen) == {"pair-0", "pair-1", "pair-2"}
    for key, values in seen.items():
        assert values == sorted(values), f"{key} arrived out of order"
        assert len(partitions[key]) == 1, "one key must live on one partition"
