"""What a relay taking over finds at the end of its partitions.

The relay publishes a batch, then records its progress in PostgreSQL. A relay killed in
between (or whose database went away before the progress was written) leaves that batch on
the log unrecorded; the next leader would publish it again. Before its first batch, the new
leader reads the last record of each partition that batch goes to: records the log already
holds are skipped, so the log carries each event once (see docs/decisions/0036).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

from aiokafka import AIOKafkaConsumer
from aiokafka.structs import TopicPartition

from tandem_service.logging import get_logger

log = get_logger("tandem.relay")

Placement = tuple[str, int]  # (prefixed topic, partition)


async def last_event_ids(
    bootstrap: str, placements: Iterable[Placement], wait_seconds: float = 15.0, **options: Any
) -> dict[Placement, str]:
    """The ``ce_id`` of the last record on each partition; an empty partition is absent.

    A partition whose tail cannot be read in time is left out too: the caller then
    publishes everything for it again (at-least-once) rather than guess.
    """
    wanted = [TopicPartition(topic, partition) for topic, partition in set(placements)]
    if not wanted:
        return {}
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None, **options
    )
    await consumer.start()
    last: dict[Placement, str] = {}
    try:
        consumer.assign(wanted)
        ends = {tp: end for tp, end in (await consumer.end_offsets(wanted)).items() if end > 0}
        for tp, end in ends.items():
            consumer.seek(tp, end - 1)
        try:
            async with asyncio.timeout(wait_seconds):
                while [tp for tp, end in ends.items() if await consumer.position(tp) < end]:
                    for tp, records in (await consumer.getmany(timeout_ms=500)).items():
                        for record in records:
                            if record.offset < ends[tp]:
                                last[tp.topic, tp.partition] = dict(record.headers)[
                                    "ce_id"
                                ].decode()
        except TimeoutError:
            log.warning("relay could not read every partition's tail", read=len(last))
    finally:
        await consumer.stop()
    return last


def not_on_log(rows: list[Any], placed: list[Placement], last: dict[Placement, str]) -> list[Any]:
    """``rows`` (each with its event id at index 2) less those a partition already holds.

    Within a partition the log keeps the relay's order, so when a partition's last record
    is one of ``rows``, that row and every earlier row placed on the same partition are
    already there. A last record that is not in ``rows`` (older, or another store's) proves
    nothing: the partition's rows are all published.
    """
    index = {row[2]: i for i, row in enumerate(rows)}
    cut: dict[Placement, int] = {}
    for placement, event_id in last.items():
        i = index.get(event_id)
        if i is not None and placed[i] == placement:
            cut[placement] = i
    if not cut:
        return rows
    fresh = [row for i, row in enumerate(rows) if i > cut.get(placed[i], -1)]
    log.info("relay found records of its last batch on the log", skipped=len(rows) - len(fresh))
    return fresh
