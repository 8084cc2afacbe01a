"""Record a plan (cancel what it makes moot, schedule what it asks), and announce what is new.

What a plan schedules beyond the next hour is held as a timer until due (``adapters/held``).
A plan's series are planned a horizon ahead here, and a timer per series (kind ``HORIZON``)
brings each back when its earliest planned occurrence comes due, to plan it on. Recording only
writes, without reading an answer back, so the projection runner can queue a whole batch's
plans and send them in pipelined runs. Announcing is separate: :func:`announce` takes what
is newly scheduled and due soon, in batches, and appends one ``NotificationScheduled`` per
(notification, channel) through the store (the outbox) in the same transaction that marks it
announced; what is due later is announced when it nears, never ahead of what is due now.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

import asyncpg

from tandem_events.catalog.notifications import NotificationScheduled
from tandem_events.store_batch import append_many
from tandem_notifications.adapters.held import HOLD_BEYOND
from tandem_notifications.adapters.postgres import HORIZON, NewPair, PostgresBook
from tandem_notifications.adapters.records import Announced
from tandem_notifications.adapters.series import to_payload
from tandem_notifications.domain.horizon import extend
from tandem_notifications.domain.kinds import CATALOG_KIND
from tandem_notifications.domain.planning.plan import Plan

SOURCE = "/tandem/notifications"
ACTOR = "notifications"
__all__ = ["HORIZON", "announce", "record_plan"]


async def record_plan(
    conn: asyncpg.Connection,
    plan: Plan,
    now: datetime,
    pairs: Sequence[NewPair] = (),
    pairs_table: str = "pairs",
) -> None:
    """Apply ``plan`` on ``conn`` (inside the caller's transaction), adding ``pairs`` if new."""
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
    if not (plan.schedule or extended or pairs):
        return
    later = [p for p in plan.schedule if p.due_at > now + HOLD_BEYOND]
    await book.record(
        [
            *(p for p in plan.schedule if p.due_at <= now + HOLD_BEYOND),
            *(p for e in extended for p in e.planned),
        ],
        HORIZON,
        [(e.series.key, e.look_again, to_payload(e.series)) for e in extended],
        pairs,
        pairs_table,
        later,
    )


async def announce(
    pool: asyncpg.Pool, limit: int, now: datetime, ahead: timedelta | None = None
) -> int:
    """Announce up to ``limit`` newly scheduled deliveries (due within ``ahead`` of ``now``
    when given); how many were announced."""
    due_by = now + ahead if ahead is not None else None
    async with pool.acquire() as conn, conn.transaction():
        taken = await PostgresBook(conn).announce(limit, due_by)
        if taken:
            # One new stream per batch: the ``announced`` mark, set under the rows' locks in
            # this transaction, makes each announcement once. (A stream per notification cost
            # a streams row each, about as much as the rest of the announcement.) On Kafka each
            # event is still keyed by its notification.
            stream = f"notification-announcements-{uuid.uuid4()}"
            await append_many(conn, SOURCE, [(stream, 0, [_event(a, now) for a in taken])])
    return len(taken)


def _event(a: Announced, now: datetime) -> NotificationScheduled:
    return NotificationScheduled(
        occurred_at=now,
        actor_id=ACTOR,
        notification_id=a.notification_id,
        recipient_id=a.recipient_id,
        channel=a.channel.value,
        kind=CATALOG_KIND[a.kind],
        due_at=a.due_at,
        pair_id=a.pair_id,
    )
