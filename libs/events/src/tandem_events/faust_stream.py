"""faust-streaming integration: agents read the same typed CloudEvents as every consumer.

Use it for stateful stream processing (tables, windows, streaks). Effects that must happen
once still commit with their record in PostgreSQL; faust's exactly-once mode is not relied on.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping
from typing import Any

import faust

from tandem_events.catalog.base import DomainEvent
from tandem_events.dead_letters import DEAD_LETTERS, dlq_topic
from tandem_events.envelope import Envelope
from tandem_events.errors import EventError


def cloudevents_topic(app: faust.App, name: str) -> Any:
    """A faust topic whose records are left raw, for :func:`typed_events` to decode."""
    return app.topic(name, key_serializer="raw", value_serializer="raw")


async def typed_events(app: faust.App, stream: Any) -> AsyncIterator[tuple[Envelope, DomainEvent]]:
    """Yield (envelope, typed event) per record; bad records go to ``<topic>.dlq``."""
    async for item in stream.events():
        message = item.message
        headers = _pairs(message.headers)
        try:
            envelope = Envelope.from_record(message.topic, message.key, message.value, headers)
            yield envelope, envelope.event()
        except EventError as exc:
            await app.producer.send_and_wait(
                dlq_topic(message.topic),
                message.key,
                message.value,
                None,
                None,
                [
                    *headers,
                    ("dlq_reason", str(exc).encode()),
                    ("dlq_consumer", app.conf.id.encode()),
                    ("dlq_original_topic", message.topic.encode()),
                    ("dlq_original_partition", str(message.partition).encode()),
                    ("dlq_original_offset", str(message.offset).encode()),
                ],
            )
            DEAD_LETTERS.labels(app.conf.id, message.topic).inc()


def _pairs(
    headers: Iterable[tuple[str, bytes]] | Mapping[str, bytes] | None,
) -> list[tuple[str, bytes]]:
    if headers is None:
        return []
    if isinstance(headers, Mapping):
        return list(headers.items())
    return list(headers)
