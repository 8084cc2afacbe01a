"""The event backbone's errors: a small hierarchy callers can catch at the right depth."""

from __future__ import annotations


class EventError(Exception):
    """Base of every error raised by the event backbone."""


class UnknownEventType(EventError):
    """A type name that the catalog does not know."""

    def __init__(self, type_name: str) -> None:
        super().__init__(f"unknown event type {type_name!r}")
        self.type_name = type_name


class InvalidEventPayload(EventError):
    """A payload that does not validate against its event model; names the type and field."""

    def __init__(self, type_name: str, field: str, problem: str) -> None:
        super().__init__(f"{type_name}: field {field!r}: {problem}")
        self.type_name = type_name
        self.field = field
        self.problem = problem


class InvalidEnvelope(EventError):
    """A Kafka record that is not a CloudEvent in binary mode (missing header, bad JSON)."""


class ConcurrencyError(EventError):
    """Someone else appended to the stream first; the caller should reload and retry (HTTP 409)."""

    def __init__(self, stream_id: str, expected_version: int) -> None:
        super().__init__(
            f"stream {stream_id!r} is no longer at version {expected_version}: "
            "it changed since it was read; reload and retry"
        )
        self.stream_id = stream_id
        self.expected_version = expected_version


class EventTooLarge(EventError):
    """An event bigger than one record on the log may be (HTTP 413): refused before it is stored,
    because a stored one could never be published and would hold back every later event."""

    def __init__(self, type_name: str, size: int, limit: int) -> None:
        super().__init__(
            f"a {type_name} event of {size:,} bytes is larger than the {limit:,} bytes one record "
            "on the event log may hold; nothing was stored"
        )
        self.type_name = type_name
        self.size = size
        self.limit = limit


class TextErased(EventError):
    """Sealed text whose owner's key was erased (crypto-shredded)."""
