"""The delivery book in memory: each (notification, channel) row with its cancel tags."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from tandem_notifications.adapters.memory.inbox import MemoryInbox
from tandem_notifications.adapters.records import Announced, Claimed, Settled
from tandem_notifications.domain.delivery import Delivery, Status
from tandem_notifications.domain.errors import InvalidTransition
from tandem_notifications.domain.kinds import PRIORITY
from tandem_notifications.domain.planned import Planned


@dataclass
class _Row:
    claimed: Claimed
    tags: tuple[str, ...]
    announced: bool = False


class MemoryBook(MemoryInbox):
    """Holds deliveries and the inbox in dictionaries."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[tuple[str, str], _Row] = {}

    async def schedule(self, planned: Sequence[Planned]) -> None:
        """Record each (notification, channel) once."""
        for p in planned:
            for channel in p.channels:
                key = (p.notification_id, channel.value)
                if key in self.rows:
                    continue
                delivery = Delivery(
                    p.notification_id, channel, p.recipient_id, p.kind, Status.SCHEDULED, p.due_at
                )
                claimed = Claimed(delivery, p.cause_id, p.program_id, p.pair_id, dict(p.data))
                self.rows[key] = _Row(claimed, p.tags)

    async def announce(self, limit: int, due_by: datetime | None = None) -> list[Announced]:
        """Take deliveries not announced yet (due by ``due_by``), soonest due first."""
        new = sorted(
            (
                r
                for r in self.rows.values()
                if not r.announced and (due_by is None or r.claimed.delivery.due_at <= due_by)
            ),
            key=lambda r: (
                r.claimed.delivery.due_at,
                r.claimed.delivery.notification_id,
                r.claimed.delivery.channel.value,
            ),
        )[:limit]
        for row in new:
            row.announced = True
        taken = [
            Announced(
                d.notification_id, d.channel, d.recipient_id, d.kind, d.due_at, r.claimed.pair_id
            )
            for r in new
            for d in (r.claimed.delivery,)
        ]
        return sorted(taken, key=lambda a: (a.due_at, a.notification_id, a.channel.value))

    async def cancel(self, tags: Sequence[str], now: datetime) -> int:
        """Cancel scheduled deliveries carrying any of ``tags``."""
        count = 0
        for row in self.rows.values():
            d = row.claimed.delivery
            if d.status is Status.SCHEDULED and set(tags) & set(row.tags):
                row.claimed = replace(row.claimed, delivery=d.cancel())
                count += 1
        return count

    async def claim(self, now: datetime, lease: timedelta, limit: int) -> list[Claimed]:
        """Take due deliveries, most urgent first."""
        due = []
        for row in self.rows.values():
            try:
                row.claimed.delivery.check_claimable(now)
            except InvalidTransition:
                continue
            if not row.announced:
                continue
            due.append(row)
        due.sort(key=lambda r: (PRIORITY[r.claimed.delivery.kind], r.claimed.delivery.due_at))
        taken = []
        for row in due[:limit]:
            row.claimed = replace(row.claimed, delivery=row.claimed.delivery.claim(now, lease))
            taken.append(row.claimed)
        return taken

    async def settle(self, settled: Sequence[Settled], now: datetime) -> list[bool]:
        """Store outcomes whose attempt is still current."""
        done = []
        for s in settled:
            row = self.rows[(s.outcome.notification_id, s.outcome.channel.value)]
            current = row.claimed.delivery
            ok = current.status is Status.SENDING and current.attempts == s.claimed.attempts
            if ok:
                row.claimed = replace(row.claimed, delivery=s.outcome)
            done.append(ok)
        return done

    async def get(self, notification_id: str, channel: str) -> Delivery | None:
        """One delivery's state."""
        row = self.rows.get((notification_id, channel))
        return row.claimed.delivery if row else None
