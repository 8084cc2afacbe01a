"""Putting matching's events on the service's Kafka topic, as the matching service would."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from tandem_events.catalog.base import DomainEvent
from tandem_events.envelope import Envelope
from tandem_testkit.owner import publish_as_owner
from tandem_testkit.service import RunningService


def publish(service: RunningService, bootstrap: str, events: Sequence[DomainEvent]) -> None:
    """Publish ``events`` to the running service's ``matching.events``."""

    envelopes = [Envelope.wrap(e, "/tandem/matching", {}) for e in events]
    asyncio.run(publish_as_owner(bootstrap, service.prefix, envelopes))
