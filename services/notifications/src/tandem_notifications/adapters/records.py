"""What the books hand the handlers: claimed deliveries, their outcomes, inbox entries and
program settings (plain records, the same from Postgres and from memory)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tandem_notifications.domain.delivery import Delivery, Status
from tandem_notifications.domain.kinds import Channel, Kind


@dataclass(frozen=True)
class Claimed:
    """A delivery claimed for sending, with what its templates need."""

    delivery: Delivery
    cause_id: str
    program_id: str | None
    pair_id: str | None
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Settled:
    """What became of a claimed delivery; ``publishes`` when the attempt is worth an event."""

    claimed: Delivery
    outcome: Delivery

    @property
    def publishes(self) -> bool:
        """Sent, failed, or failed-and-retrying: an attempt happened. A deferral or skip did not."""
        return self.outcome.status in (Status.SENT, Status.FAILED) or self.outcome.will_retry


@dataclass(frozen=True)
class Announced:
    """A newly scheduled (notification, channel), taken to be announced as NotificationScheduled."""

    notification_id: str
    channel: Channel
    recipient_id: str
    kind: Kind
    due_at: datetime
    pair_id: str | None


@dataclass(frozen=True)
class InboxEntry:
    """One in-app notification."""

    notification_id: str
    person_id: str
    kind: str
    subject: str
    body: str
    created_at: datetime
    read_at: datetime | None = None


@dataclass(frozen=True)
class ProgramChannels:
    """A program owner's channel settings."""

    defaults: Mapping[str, list[str]]
    webhook_url: str | None
    webhook_secret: str | None
    support: str
