"""Publishing envelopes to Kafka: idempotent producer, ``acks=all``, keyed by aggregate id."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from aiokafka.partitioner import murmur2

from tandem_events.envelope import RECORD_BATCH_BYTES, Envelope
from tandem_events.log_tail import last_event_ids

# (topic, key, value, headers): one record as it goes on the wire.
WireRecord = tuple[str, bytes, bytes, Sequence[tuple[str, bytes]]]


@lru_cache(maxsize=1 << 16)
def _key_hash(key: bytes) -> int:
    # The Java client's (and aiokafka's DefaultPartitioner's) murmur2: same key, same partition.
    return int(murmur2(key)) & 0x7FFFFFFF


class EventPublisher:
    """Sends envelopes as CloudEvents binary-mode records."""

    def __init__(
        self,
        bootstrap: str,
        client_id: str = "tandem",
        topic_prefix: str = "",
        **options: Any,
    ) -> None:
        # A prefix lets several environments (or test runs) share one cluster.
        self.topic_prefix = topic_prefix
        self._bootstrap = bootstrap
        self._security = {
            k: v for k, v in options.items() if k.startswith(("security", "ssl", "sasl"))
        }
        self._options: dict[str, Any] = {
            "bootstrap_servers": bootstrap,
            "client_id": client_id,
            "acks": "all",
            "enable_idempotence": True,
            "linger_ms": 5,
            "max_batch_size": RECORD_BATCH_BYTES,
            "request_timeout_ms": 30_000,
            **options,
        }
        self._producer = AIOKafkaProducer(**self._options)

    async def start(self) -> None:
        """Connect to the cluster."""
        await self._producer.start()

    async def stop(self) -> None:
        """Flush and disconnect."""
        await self._producer.stop()

    async def renew(self) -> None:
        """Start a fresh producer once every send of the current one has settled.

        Stopping waits until each batch still buffered or in flight was acknowledged or has
        expired (within the request timeout), so none of them can land on the log after the
        caller reads its tail (see docs/decisions/0036).
        """
        with contextlib.suppress(Exception):  # failed sends are what is being waited out
            await self._producer.stop()
        self._producer = AIOKafkaProducer(**self._options)
        await self._producer.start()

    async def publish(self, envelopes: Sequence[Envelope]) -> None:
        """Send every envelope and wait until the broker acknowledged all of them."""
        await self.publish_records(
            (e.topic, e.key.encode(), e.value(), e.headers()) for e in envelopes
        )

    async def placement(self, topic: str, key: bytes) -> tuple[str, int]:
        """Where ``publish_records`` puts a record: (prefixed topic, partition)."""
        topic = self.topic_prefix + topic
        known = list(await self._producer.partitions_for(topic))
        return topic, known[_key_hash(key) % len(known)]

    async def last_event_ids(self, placements: Iterable[tuple[str, int]]) -> dict[Any, str]:
        """The event id of the last record on each of ``placements`` (see ``log_tail``)."""
        return await last_event_ids(self._bootstrap, placements, **self._security)

    async def publish_records(self, records: Iterable[WireRecord]) -> None:
        """Send ready-made records (unprefixed topic) and wait for every acknowledgement.

        Records are partitioned as the default partitioner would (murmur2 of the key) and
        packed into full record batches per partition, in order: per-key order holds, and
        the broker sees a few large produce requests instead of one future per record.
        """
        producer = self._producer
        by_partition: dict[tuple[str, int], list[Any]] = {}
        partitions: dict[str, list[int]] = {}
        for topic, key, value, headers in records:
            topic = self.topic_prefix + topic
            known = partitions.get(topic)
            if known is None:
                known = partitions[topic] = list(await producer.partitions_for(topic))
            tp = (topic, known[_key_hash(key) % len(known)])
            builders = by_partition.get(tp)
            if builders is None:
                builders = by_partition[tp] = [producer.create_batch()]
            if builders[-1].append(key=key, value=value, timestamp=None, headers=headers) is None:
                builders.append(producer.create_batch())  # full: start the next batch
                if (
                    builders[-1].append(key=key, value=value, timestamp=None, headers=headers)
                    is None
                ):
                    raise ValueError(f"a record for {topic} is larger than a batch")
        if by_partition:
            await asyncio.gather(
                *(
                    self._send_in_order(topic, partition, builders)
                    for (topic, partition), builders in by_partition.items()
                )
            )

    async def _send_in_order(self, topic: str, partition: int, builders: list[Any]) -> None:
        acks = [await self._producer.send_batch(b, topic, partition=partition) for b in builders]
        await asyncio.gather(*acks)


async def ensure_topics(bootstrap: str, topics: Sequence[str], partitions: int = 3) -> None:
    """Create ``topics`` if missing (production clusters often disable auto-creation)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [NewTopic(t, partitions, 1) for t in topics if t not in existing]
        if wanted:
            with contextlib.suppress(TopicAlreadyExistsError):  # created meanwhile elsewhere
                await admin.create_topics(wanted)
    finally:
        await admin.close()
