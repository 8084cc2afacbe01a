"""Settle a batch's attempts and publish their outcomes, in one transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import asyncpg

from tandem_events.catalog.base import DomainEvent
from tandem_events.catalog.notifications import NotificationFailed, NotificationSent
from tandem_events.store import EventStore
from tandem_notifications.adapters.postgres import PostgresBook
from tandem_notifications.adapters.records import Claimed, InboxEntry, Settled
from tandem_notifications.domain.delivery import Delivery, Status

ACTOR = "notifications"


@dataclass(frozen=True)
class Attempted:
    """What one delivery attempt came to, and the inbox entry an in-app one writes."""

    settled: Settled
    inbox: InboxEntry | None = None


async def record_outcomes(
    pool: asyncpg.Pool,
    store: EventStore,
    now: datetime,
    claimed: Sequence[Claimed],
    results: Sequence[Attempted],
) -> None:
    """Settle what this sender still holds, fill in-app inboxes and append the outcomes."""
    async with pool.acquire() as conn, conn.transaction():
        book = PostgresBook(conn)
        current = await book.settle([r.settled for r in results], now)
        events: list[DomainEvent] = []
        entries: list[InboxEntry] = []
        for c, r, ok in zip(claimed, results, current, strict=True):
            if not ok:
                continue  # another sender took it over after our lease ran out
            if r.inbox is not None:
                entries.append(r.inbox)
            if r.settled.publishes:
                events.append(outcome_event(c, r.settled.outcome, now))
        await book.deliver_in_app(entries)
        if events:
            # One append per batch: the delivery rows are the state and the store is the
            # outbox; on Kafka each event is still keyed by its notification.
            stream = f"notification-outcomes-{uuid.uuid4()}"
            await store.append(stream, 0, events, conn=conn)


def outcome_event(c: Claimed, outcome: Delivery, now: datetime) -> DomainEvent:
    """NotificationSent, or NotificationFailed with the reason and whether it will retry."""
    common = {
        "occurred_at": now,
        "actor_id": ACTOR,
        "notification_id": outcome.notification_id,
        "recipient_id": outcome.recipient_id,
        "channel": outcome.channel.value,
        "attempt": c.delivery.attempts,
    }
    if outcome.status is Status.SENT:
        return NotificationSent(**common)
    error = (outcome.last_error or "")[:1000]
    return NotificationFailed(**common, error=error, will_retry=outcome.will_retry)
