"""A batch of records as the runner reads it: decoded and validated, sorted by what to do.

The runner reads the next batch while the previous one is in its transaction, so decoding
(CPU in this process) overlaps the database's work instead of following it. Decoding gives
the event loop back every few hundred records: the batch in flight needs it for its next
statement.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TypeAlias

from aiokafka import TopicPartition
from aiokafka.structs import ConsumerRecord

from tandem_events.envelope import Envelope
from tandem_events.errors import EventError
from tandem_events.parking_retry import newer_than_known

Record: TypeAlias = ConsumerRecord[bytes, bytes]
YIELD_EVERY = 500


@dataclass(slots=True)
class Decoded:
    """A record that decoded into a typed event."""

    record: Record
    envelope: Envelope


@dataclass
class Batch:
    """Fetched records per partition and what they decoded to."""

    records: dict[TopicPartition, list[Record]]
    positioning: int  # the consumer's positioning it was fetched under (see the runner)
    good: list[Decoded] = field(default_factory=list)
    dead: list[tuple[Record, str]] = field(default_factory=list)
    newer: list[Decoded] = field(default_factory=list)  # a version this consumer does not know
    size: int = 0  # records in ``records``

    async def take(self, records: dict[TopicPartition, list[Record]]) -> None:
        """Decode and validate ``records`` (fetched after the ones taken so far) and add them.

        They join the batch all at once, after the last await: at every await the batch's
        records and what they decoded to agree, so a member being rebalanced may apply the
        batch read ahead wherever its loop stands (``ReadAhead._hand_over``).
        """
        good: list[Decoded] = []
        dead: list[tuple[Record, str]] = []
        newer: list[Decoded] = []
        taken = 0
        for partition_records in records.values():
            for record in partition_records:
                envelope = None
                try:
                    envelope = Envelope.from_record(
                        record.topic, record.key, record.value, record.headers
                    )
                    envelope.event()  # validate (and upcast); the event is kept for the apply
                    good.append(Decoded(record, envelope))
                except EventError as exc:
                    if envelope is not None and newer_than_known(envelope.type):
                        newer.append(Decoded(record, envelope))
                    else:
                        dead.append((record, str(exc)))
                taken += 1
                if taken % YIELD_EVERY == 0:
                    await asyncio.sleep(0)
        for tp, partition_records in records.items():
            self.records.setdefault(tp, []).extend(partition_records)
        self.good += good
        self.dead += dead
        self.newer += newer
        self.size += taken


async def read(records: dict[TopicPartition, list[Record]], positioning: int) -> Batch:
    """Decode and validate every record (before anything touches the database)."""
    batch = Batch({}, positioning)
    await batch.take(records)
    return batch
