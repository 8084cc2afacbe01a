"""Events of the notifications context (topic ``notifications.events``), keyed by notification."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import AwareDatetime, Field

from tandem_events.catalog.base import DomainEvent, Identifier

Channel = Literal["email", "webhook", "in_app"]
Kind = Literal["introduction", "reminder", "celebration", "nudge", "digest"]


class NotificationEvent(DomainEvent):
    """Base of the notifications context's events."""

    context: ClassVar[str] = "notifications"
    is_base: ClassVar[bool] = True
    key_field: ClassVar[str] = "notification_id"
    notification_id: Identifier


class NotificationScheduled(NotificationEvent):
    """A notification was planned for a recipient, channel and time."""

    recipient_id: Identifier
    channel: Channel
    kind: Kind
    due_at: AwareDatetime
    pair_id: str | None = None


class NotificationSent(NotificationEvent):
    """A notification left through its channel."""

    recipient_id: Identifier
    channel: Channel
    attempt: int = Field(ge=1)


class NotificationFailed(NotificationEvent):
    """A delivery attempt failed; ``will_retry`` says whether another comes."""

    recipient_id: Identifier
    channel: Channel
    attempt: int = Field(ge=1)
    error: str = Field(max_length=1000)
    will_retry: bool
