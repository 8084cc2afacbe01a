"""The Tandem event catalog: every event of every bounded context, registered by type name."""

from tandem_events.catalog import engagement, matching, notifications
from tandem_events.catalog.base import (
    EVENT_TYPES,
    DomainEvent,
    SealedText,
    parse_version,
    validate_payload,
)

TOPICS = ("matching.events", "engagement.events", "notifications.events")

__all__ = [
    "EVENT_TYPES",
    "TOPICS",
    "DomainEvent",
    "SealedText",
    "engagement",
    "matching",
    "notifications",
    "parse_version",
    "validate_payload",
]
