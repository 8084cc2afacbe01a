"""The delivery book in PostgreSQL: plans recorded once, claimed under a lease, settled."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import asyncpg

from tandem_notifications.adapters.held import CANCEL_HELD
from tandem_notifications.adapters.postgres.recording import PostgresPlans
from tandem_notifications.adapters.postgres.statements import ANNOUNCE, CLAIM, SETTLE
from tandem_notifications.adapters.records import Announced, Claimed, Settled
from tandem_notifications.domain.delivery import Delivery, Status
from tandem_notifications.domain.kinds import PRIORITY, Channel, Kind


class PostgresBook(PostgresPlans):
    """The delivery book and the inbox on one connection (inside the caller's transaction
    when it has one)."""

    async def announce(self, limit: int, due_by: datetime | None = None) -> list[Announced]:
        """Take deliveries not announced yet (due by ``due_by``), soonest due first, marking
        them announced."""
        rows = await self._conn.fetch(ANNOUNCE, limit, due_by)
        return [
            Announced(r[0], Channel(r[1]), r[2], Kind(r[3]), r[4], r[5])
            for r in sorted(rows, key=lambda r: (r[4], r[0], r[1]))
        ]

    async def cancel(self, tags: Sequence[str], now: datetime) -> int:
        """Cancel scheduled (and held) deliveries carrying any of ``tags``; how many were
        cancelled."""
        if not tags:
            return 0
        tombstones = await self._conn.fetch(CANCEL_HELD, list(tags), now)
        rows = await self._conn.fetch(
            "UPDATE deliveries SET status = 'cancelled', finished_at = $2"
            " WHERE status = 'scheduled' AND tags && $1::text[] RETURNING 1",
            list(tags),
            now,
        )
        return len(rows) + len(tombstones)

    async def claim(self, now: datetime, lease: timedelta, limit: int) -> list[Claimed]:
        """Take due deliveries (most urgent first) and record the attempt before any send."""
        rows = await self._conn.fetch(CLAIM, now, now + lease, limit)
        claimed = [_claimed(r) for r in rows]
        claimed.sort(key=lambda c: (PRIORITY[c.delivery.kind], c.delivery.due_at))
        return claimed

    async def settle(self, settled: Sequence[Settled], now: datetime) -> list[bool]:
        """Store each outcome if its attempt is still the current one (not taken over)."""
        if not settled:
            return []
        outcomes = [s.outcome for s in settled]
        rows = await self._conn.fetch(
            SETTLE,
            [d.notification_id for d in outcomes],
            [d.channel.value for d in outcomes],
            [d.status.value for d in outcomes],
            [d.due_at for d in outcomes],
            [d.last_error for d in outcomes],
            [d.attempts for d in outcomes],
            now,
            [s.claimed.attempts for s in settled],
        )
        done = {(r[0], r[1]) for r in rows}
        return [(d.notification_id, d.channel.value) in done for d in outcomes]

    async def get(self, notification_id: str, channel: str) -> Delivery | None:
        """One delivery's state."""
        row = await self._conn.fetchrow(
            "SELECT * FROM deliveries WHERE notification_id = $1 AND channel = $2",
            notification_id,
            channel,
        )
        return _claimed(row).delivery if row else None


def _claimed(row: asyncpg.Record) -> Claimed:
    data: dict[str, Any] = dict(row["data"])
    delivery = Delivery(
        notification_id=str(row["notification_id"]),
        channel=Channel(row["channel"]),
        recipient_id=row["recipient_id"],
        kind=Kind(row["kind"]),
        status=Status(row["status"]),
        due_at=row["due_at"],
        attempts=row["attempts"],
        lease_until=row["lease_until"],
        last_error=row["last_error"],
    )
    return Claimed(delivery, row["cause_id"], row["program_id"], row["pair_id"], data)
