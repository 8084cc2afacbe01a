"""Putting matching's events on the service's Kafka topic, as the matching service would."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from tandem_events.catalog.base import DomainEvent
from tandem_events.envelope import Envelope
from tandem_events.kafka_producer import EventPublisher
from tandem_testkit.service import RunningService


def publish(service: RunningService, bootstrap: str, events: Sequence[DomainEvent]) -> None:
    """Publish ``events`` to the running service's ``matching.events``."""

    async def send() -> None:
        publisher = EventPublisher(bootstrap, topic_prefix=service.prefix)
        await publisher.start()
        try:
            await publisher.publish([Envelope.wrap(e, "/tandem/matching", {}) for e in events])
        finally:
            await publisher.stop()

    asyncio.run(send())
