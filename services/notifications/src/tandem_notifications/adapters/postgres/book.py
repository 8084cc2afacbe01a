"""The delivery book in PostgreSQL: plans recorded once, claimed under a lease, settled."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import asyncpg

from tandem_notifications.adapters.held import CANCEL_HELD, HELD, held
from tandem_notifications.adapters.postgres.inbox import PostgresInbox
from tandem_notifications.adapters.postgres.statements import ANNOUNCE, CLAIM, RECORD, SETTLE
from tandem_notifications.adapters.records import Announced, Claimed, Settled
from tandem_notifications.domain.delivery import Delivery, Status
from tandem_notifications.domain.kinds import PRIORITY, Channel, Kind
from tandem_notifications.domain.planned import Planned

HORIZON = "notifications.horizon"  # the timers kind of rolling series


@dataclass(frozen=True)
class NewPair:
    """A pair as the planner keeps it when it is created."""

    pair_id: str
    program_id: str
    member_ids: tuple[str, ...]


class PostgresBook(PostgresInbox):
    """The delivery book and the inbox on one connection (inside the caller's transaction
    when it has one)."""

    async def schedule(self, planned: Sequence[Planned]) -> None:
        """Record each (notification, channel) once; a repeat of the same cause changes nothing."""
        if any(p.channels for p in planned):
            await self.record(planned, HORIZON, [])

    async def record(
        self,
        planned: Sequence[Planned],
        timer_kind: str,
        timers: Sequence[tuple[str, datetime, dict[str, Any]]],
        pairs: Sequence[NewPair] = (),
        pairs_table: str = "pairs",
        later: Sequence[Planned] = (),
    ) -> None:
        """Schedule ``planned``, (re)schedule series ``timers``, add new ``pairs`` and hold
        ``later`` (due later: timers, no rows yet): one statement, answering nothing, so a
        projection's writes can be queued and pipelined."""
        holds = [held(p) for p in later]
        rows = [(p, c) for p in planned for c in p.channels]
        await self._conn.execute(
            RECORD.format(pairs=pairs_table),
            [p.notification_id for p, _ in rows],
            [c.value for _, c in rows],
            [p.cause_id for p, _ in rows],
            [p.recipient_id for p, _ in rows],
            [p.kind.value for p, _ in rows],
            [p.program_id for p, _ in rows],
            [p.pair_id for p, _ in rows],
            # Joined: a list of lists would be sent as a two-dimensional array.
            ["\x1f".join(p.tags) for p, _ in rows],
            [dict(p.data) for p, _ in rows],
            [PRIORITY[p.kind] for p, _ in rows],
            [p.due_at for p, _ in rows],
            timer_kind,
            [t[0] for t in timers],
            [t[1] for t in timers],
            [t[2] for t in timers],
            [p.pair_id for p in pairs],
            [p.program_id for p in pairs],
            ["\x1f".join(p.member_ids) for p in pairs],
            HELD,
            [h[0] for h in holds],
            [h[1] for h in holds],
            [h[2] for h in holds],
        )

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
