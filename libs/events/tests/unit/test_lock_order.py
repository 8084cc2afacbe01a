"""Runners of one group that briefly apply the same records take row locks in one order.

During a rebalance the runner losing a partition may still be applying it while the one
gaining it starts: both write the same offsets rows and claim the same event ids. Taken in
the order each batch happens to hold them, two batches could lock in opposite orders and
deadlock; in a fixed order one simply waits for the other.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiokafka import TopicPartition
from aiokafka.structs import ConsumerRecord

from tandem_events.dedup import claim
from tandem_events.offsets import save_offsets


class Recorder:
    """A connection that records the statements' arguments and accepts every write."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    async def fetchval(self, _query: str, *args: Any) -> int:
        self.calls.append(args)
        return 1

    async def fetch(self, _query: str, *args: Any) -> list[tuple[str]]:
        self.calls.append(args)
        return [(event_id,) for event_id in args[1]]


def record(tp: TopicPartition, offset: int) -> ConsumerRecord[bytes, bytes]:
    return ConsumerRecord(tp.topic, tp.partition, offset, 0, 0, None, b"", None, 0, 0, [])


def test_offsets_are_saved_in_partition_order_whatever_the_batch_order() -> None:
    later, earlier = TopicPartition("t", 2), TopicPartition("t", 0)
    batches = {later: [record(later, 5)], earlier: [record(earlier, 7)]}
    conn = Recorder()
    asyncio.run(save_offsets(conn, "p", batches))
    assert [call[2] for call in conn.calls] == [0, 2]


def test_event_ids_are_claimed_in_order_and_answered_in_the_batch_s_order() -> None:
    conn = Recorder()
    first = asyncio.run(claim(conn, "p", ["e3", "e1", "e2", "e1"]))
    assert conn.calls[0][1] == ["e1", "e1", "e2", "e3"]
    assert first == [True, True, True, False]
