"""A batch that commits after its partition moved to another process does not fail the loop.

With two processes in a group, a rebalance can revoke a partition while its batch is in
its transaction. aiokafka then refuses the partition's highwater ("Partition is not
assigned"): the runner logged a failed batch, paused 1 s and re-sought, at every rebalance.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import ConsumerRecord

from tandem_events.runner import ProjectionRunner


class Quiet:
    name = "quiet"
    topics = ("t",)
    tables = ()

    async def apply(self, *_: Any) -> None:
        """Nothing to apply: only the lag is looked at."""


def record(tp: TopicPartition, offset: int) -> ConsumerRecord[bytes, bytes]:
    return ConsumerRecord(tp.topic, tp.partition, offset, 0, 0, None, b"", None, 0, 0, [])


def test_the_lag_of_a_revoked_partition_is_left_to_its_new_owner() -> None:
    kept, moved = TopicPartition("t", 0), TopicPartition("t", 1)

    async def note() -> dict[TopicPartition, int]:
        runner = ProjectionRunner(None, "127.0.0.1:1", Quiet())  # type: ignore[arg-type]
        consumer = AIOKafkaConsumer(bootstrap_servers="127.0.0.1:1")
        consumer.assign([kept])  # the real consumer's check, not a stand-in's
        runner._consumer = consumer
        try:
            runner._note_lag({kept: [record(kept, 4)], moved: [record(moved, 9)]})
        finally:
            await consumer.stop()
        return runner._lag

    assert asyncio.run(note()) == {kept: 0}
