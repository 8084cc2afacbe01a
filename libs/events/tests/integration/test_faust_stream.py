"""A faust agent gets the same typed events as the projection runner, and dead-letters bad ones."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import faust
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from tandem_events.catalog.engagement import CheckInLogged
from tandem_events.envelope import Envelope
from tandem_events.faust_stream import cloudevents_topic, typed_events
from tandem_events.kafka_producer import EventPublisher, ensure_topics

from ..conftest import check_in


async def test_faust_agent_counts_typed_check_ins_and_dead_letters_garbage(
    kafka_bootstrap: str, topic_name: Callable[[str], str], tmp_path: Path
) -> None:
    prefix = topic_name("faust") + "."
    topic = prefix + "engagement.events"
    await ensure_topics(kafka_bootstrap, [topic, topic + ".dlq"], partitions=1)
    app = faust.App(
        prefix.replace(".", "-") + "app",
        broker=f"kafka://{kafka_bootstrap}",
        store="memory://",
        web_enabled=False,
        topic_partitions=1,
        topic_replication_factor=1,
        datadir=str(tmp_path),
    )
    check_ins = app.Table("check_ins", default=int, partitions=1)
    source = cloudevents_topic(app, topic)

    @app.agent(source)
    async def count(stream: faust.StreamT[bytes]) -> None:
        async for _, event in typed_events(app, stream):
            if isinstance(event, CheckInLogged):
                check_ins[event.pair_id] += 1

    await app.start()
    publisher = EventPublisher(kafka_bootstrap, topic_prefix=prefix)
    await publisher.start()
    raw = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await raw.start()
    try:
        await publisher.publish([Envelope.wrap(check_in("pair-1", i), "/t") for i in range(3)])
        await raw.send_and_wait(
            topic, b"not json", key=b"pair-1", headers=[("ce_specversion", b"1.0")]
        )
        await publisher.publish([Envelope.wrap(check_in("pair-1", 9), "/t")])
        async with asyncio.timeout(60):
            while check_ins["pair-1"] < 4:
                await asyncio.sleep(0.1)
        assert check_ins["pair-1"] == 4
    finally:
        await raw.stop()
        await publisher.stop()
        await app.stop()
    consumer = AIOKafkaConsumer(
        topic + ".dlq", bootstrap_servers=kafka_bootstrap, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        async with asyncio.timeout(30):
            records: list[object] = []
            while not records:
                records = [
                    r for rs in (await consumer.getmany(timeout_ms=1000)).values() for r in rs
                ]
    finally:
        await consumer.stop()
    reason = dict(records[0].headers)["dlq_reason"].decode()  # type: ignore[attr-defined]
    assert "missing CloudEvents header" in reason
