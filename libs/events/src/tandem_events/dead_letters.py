"""The dead-letter topic: records that cannot be applied, with the reason and original headers."""

from __future__ import annotations

from collections.abc import Sequence

from aiokafka import AIOKafkaProducer
from aiokafka.structs import ConsumerRecord
from prometheus_client import Counter

DEAD_LETTERS = Counter(
    "tandem_dead_letters_total", "Records sent to a dead-letter topic", ["consumer", "topic"]
)


def dlq_topic(topic: str) -> str:
    """``<topic>.dlq``."""
    return f"{topic}.dlq"


class DeadLetters:
    """Publishes unusable records to ``<topic>.dlq`` and goes on."""

    def __init__(self, producer: AIOKafkaProducer, consumer: str) -> None:
        self._producer = producer
        self._consumer = consumer

    async def send(self, record: ConsumerRecord[bytes, bytes], reason: str) -> None:
        """Dead-letter one record, keeping its key, value and headers, adding the reason."""
        headers: Sequence[tuple[str, bytes]] = [
            *record.headers,
            ("dlq_reason", reason[:2000].encode()),
            ("dlq_consumer", self._consumer.encode()),
            ("dlq_original_topic", record.topic.encode()),
            ("dlq_original_partition", str(record.partition).encode()),
            ("dlq_original_offset", str(record.offset).encode()),
        ]
        await self._producer.send_and_wait(
            dlq_topic(record.topic), record.value, key=record.key, headers=list(headers)
        )
        DEAD_LETTERS.labels(self._consumer, record.topic).inc()
