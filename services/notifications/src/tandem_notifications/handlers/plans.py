"""Record a plan: cancel what it makes moot, schedule what it asks, announce what is new.

A plan's series are planned a horizon ahead here, and a timer per series (kind ``HORIZON``)
brings each back when its earliest planned occurrence comes due, to plan it on.

Each newly scheduled (notification, channel) is announced as ``NotificationScheduled`` through
the store (the outbox) in the caller's transaction, so the schedule and its event commit
together; a repeated cause schedules nothing new and so announces nothing twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import asyncpg

from tandem_events import timers
from tandem_events.catalog.base import DomainEvent
from tandem_events.catalog.notifications import NotificationScheduled
from tandem_events.store_batch import append_many
from tandem_notifications.adapters.ports import Recorded
from tandem_notifications.adapters.postgres import PostgresBook
from tandem_notifications.adapters.series import to_payload
from tandem_notifications.domain.horizon import extend
from tandem_notifications.domain.kinds import CATALOG_KIND
from tandem_notifications.domain.planning import Plan

SOURCE = "/tandem/notifications"
ACTOR = "notifications"
HORIZON = "notifications.horizon"


async def record_plan(conn: asyncpg.Connection, plan: Plan, now: datetime) -> int:
    """Apply ``plan`` on ``conn`` (inside the caller's transaction); how many were scheduled."""
    book = PostgresBook(conn)
    if plan.cancel:
        await book.cancel(plan.cancel, now)
    if plan.stop_series:
        await conn.fetch(
            "DELETE FROM timers WHERE kind = $1 AND key = ANY($2::text[]) RETURNING 1",
            HORIZON,
            list(plan.stop_series),
        )
    extended = [extend(s, now) for s in plan.series]
    await timers.schedule_many(
        conn, HORIZON, [(e.series.key, e.look_again, to_payload(e.series)) for e in extended]
    )
    schedule = [*plan.schedule, *(p for e in extended for p in e.planned)]
    recorded = await book.schedule(schedule)
    by_stream: dict[str, list[DomainEvent]] = {}
    for planned, event in announcements(recorded, now):
        by_stream.setdefault(f"notification-{planned}", []).append(event)
    # A new notification's stream is new: version 0 (one append per notification).
    await append_many(conn, SOURCE, [(s, 0, events) for s, events in by_stream.items()])
    return len(recorded)


def announcements(
    recorded: Sequence[Recorded], now: datetime
) -> list[tuple[str, NotificationScheduled]]:
    """One NotificationScheduled per newly recorded (notification, channel)."""
    return [
        (
            p.notification_id,
            NotificationScheduled(
                occurred_at=now,
                actor_id=ACTOR,
                notification_id=p.notification_id,
                recipient_id=p.recipient_id,
                channel=channel.value,
                kind=CATALOG_KIND[p.kind],
                due_at=p.due_at,
                pair_id=p.pair_id,
            ),
        )
        for p, channel in recorded
    ]
