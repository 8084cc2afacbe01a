"""Publishing envelopes to Kafka: idempotent producer, ``acks=all``, keyed by aggregate id."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from tandem_events.envelope import Envelope


class EventPublisher:
    """Sends envelopes as CloudEvents binary-mode records."""

    def __init__(self, bootstrap: str, client_id: str = "tandem", topic_prefix: str = "") -> None:
        # A prefix lets several environments (or test runs) share one cluster.
        self.topic_prefix = topic_prefix
        self._producer = AIOKafkaProducer(
            bootstrap_servers=bootstrap,
            client_id=client_id,
            acks="all",
            enable_idempotence=True,
            linger_ms=5,
            max_batch_size=512 * 1024,
            request_timeout_ms=30_000,
        )

    async def start(self) -> None:
        """Connect to the cluster."""
        await self._producer.start()

    async def stop(self) -> None:
        """Flush and disconnect."""
        await self._producer.stop()

    async def publish(self, envelopes: Sequence[Envelope]) -> None:
        """Send every envelope and wait until the broker acknowledged all of them."""
        pending = [
            await self._producer.send(self.topic_prefix + e.topic, e.value(), key=e.key.encode(), headers=e.headers())
            for e in envelopes
        ]
        await asyncio.gather(*pending)


async def ensure_topics(bootstrap: str, topics: Sequence[str], partitions: int = 3) -> None:
    """Create ``topics`` if missing (production clusters often disable auto-creation)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [NewTopic(t, partitions, 1) for t in topics if t not in existing]
        if wanted:
            try:
                await admin.create_topics(wanted)
            except TopicAlreadyExistsError:
                pass  # created meanwhile by another instance
    finally:
        await admin.close()
