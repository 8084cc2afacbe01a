"""CloudEvents 1.0 in Kafka binary content mode: ``ce_*`` headers, JSON body, aggregate key."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson

from tandem_events.catalog.base import DomainEvent
from tandem_events.errors import EventTooLarge, InvalidEnvelope
from tandem_events.upcasting import read_event

SPEC_VERSION = b"1.0"
CONTENT_TYPE = b"application/json"
REQUIRED_HEADERS = ("ce_specversion", "ce_id", "ce_type", "ce_source", "ce_time")
_REQUIRED = frozenset(REQUIRED_HEADERS)
# UUID version 7 (RFC 9562): the version nibble and the variant bits, and where they go.
_V7_CLEAR = ~((0xF << 76) | (0x3 << 62))
_V7_SET = (0x7 << 76) | (0x2 << 62)
# The relay packs records into batches of this size (kafka_producer), under Kafka's default
# 1 MB per message. An event's JSON must fit one batch with its key and headers: a bigger
# one could be stored but never published, and would hold back every later event.
RECORD_BATCH_BYTES = 512 * 1024
MAX_EVENT_BYTES = RECORD_BATCH_BYTES - 32 * 1024


def time_ordered_id() -> str:
    """A new event id: a UUID version 7, milliseconds since the epoch first, then random bits.

    Ids that grow with time land on the last page of the store's ``event_id`` index; random
    (version 4) ids dirtied a page of it per event, and after each checkpoint every such page
    went whole into the WAL: 3 to 6 MB of WAL per thousand events appended by a sweep.
    """
    value = (time.time_ns() // 1_000_000) << 80 | int.from_bytes(os.urandom(10), "big")
    return str(uuid.UUID(int=value & _V7_CLEAR | _V7_SET))


def record_headers(
    id: str,
    type: str,
    source: str,
    time: datetime,
    subject: str,
    trace: dict[str, str],
) -> list[tuple[str, bytes]]:
    """The binary-mode headers of one event (shared by :meth:`Envelope.headers` and the relay,
    which builds records straight from stored rows)."""
    headers = [
        ("ce_specversion", SPEC_VERSION),
        ("ce_id", id.encode()),
        ("ce_type", type.encode()),
        ("ce_source", source.encode()),
        ("ce_time", time.isoformat().encode()),
        ("ce_subject", subject.encode()),
        ("content-type", CONTENT_TYPE),
    ]
    if trace:
        headers.extend((k, v.encode()) for k, v in trace.items())
    return headers


@dataclass(frozen=True)
class Envelope:
    """One event with its CloudEvents attributes, as stored and as sent."""

    id: str
    type: str
    source: str
    subject: str
    time: datetime
    topic: str
    key: str
    data: dict[str, Any]
    trace: dict[str, str] = field(default_factory=dict)
    # The validated event, kept after the first event() call: a consumer validates before
    # touching its database and applies after, and models are frozen, so once is enough.
    _event: DomainEvent | None = field(
        default=None, init=False, repr=False, compare=False, hash=False
    )

    @classmethod
    def wrap(cls, event: DomainEvent, source: str, trace: dict[str, str] | None = None) -> Envelope:
        """Envelope a new event from ``source`` (e.g. ``/tandem/engagement``)."""
        data = event.model_dump(mode="json")
        size = len(orjson.dumps(data))
        if size > MAX_EVENT_BYTES:
            raise EventTooLarge(event.type_name(), size, MAX_EVENT_BYTES)
        return cls(
            id=time_ordered_id(),
            type=event.type_name(),
            source=source,
            subject=event.key,
            time=event.occurred_at.astimezone(UTC),
            topic=event.topic(),
            key=event.key,
            data=data,
            trace=dict(trace or {}),
        )

    def event(self) -> DomainEvent:
        """The typed event, upcast to the current version of its model."""
        event = self._event
        if event is None:
            event = read_event(self.type, self.data)
            object.__setattr__(self, "_event", event)
        return event

    def headers(self) -> list[tuple[str, bytes]]:
        """The Kafka record headers (binary content mode)."""
        return record_headers(self.id, self.type, self.source, self.time, self.subject, self.trace)

    def value(self) -> bytes:
        """The Kafka record value: the event data as JSON."""
        return orjson.dumps(self.data)

    @classmethod
    def from_record(
        cls,
        topic: str,
        key: bytes | None,
        value: bytes | None,
        headers: Iterable[tuple[str, bytes]],
    ) -> Envelope:
        """Read a Kafka record, or raise :class:`InvalidEnvelope` saying what is wrong."""
        found = dict(headers)
        try:
            # Looked up once each, and a missing one found by the failed lookup: checking
            # the names first cost as much again as reading them (about 1 us per record).
            spec, id, type = found["ce_specversion"], found["ce_id"], found["ce_type"]
            source, at = found["ce_source"], found["ce_time"]
        except KeyError:
            missing = [h for h in REQUIRED_HEADERS if h not in found]
            raise InvalidEnvelope(f"missing CloudEvents header(s): {', '.join(missing)}") from None
        if spec != SPEC_VERSION:
            raise InvalidEnvelope(f"unsupported ce_specversion {spec!r}")
        try:
            data = orjson.loads(value or b"")
            time = datetime.fromisoformat(at.decode())
        except (orjson.JSONDecodeError, ValueError) as exc:
            raise InvalidEnvelope(f"malformed record: {exc}") from exc
        if not isinstance(data, dict):
            raise InvalidEnvelope("the record value is not a JSON object")
        # Consumers read hundreds of thousands of these: fill the frozen instance's fields
        # directly rather than through the dataclass __init__ (one object.__setattr__ each).
        envelope = object.__new__(cls)
        envelope.__dict__.update(
            id=id.decode(),
            type=type.decode(),
            source=source.decode(),
            subject=found.get("ce_subject", b"").decode(),
            time=time,
            topic=topic,
            key=(key or b"").decode(),
            data=data,
            trace=(
                {k: found[k].decode() for k in ("traceparent", "tracestate") if k in found}
                if "traceparent" in found or "tracestate" in found
                else {}
            ),
            _event=None,
        )
        return envelope
