"""An in-memory delivery book for unit tests; the contract suite holds it to Postgres' behaviour."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from tandem_notifications.adapters.ports import Claimed, InboxEntry, Settled
from tandem_notifications.domain.delivery import Delivery, Status
from tandem_notifications.domain.errors import InvalidTransition
from tandem_notifications.domain.kinds import PRIORITY
from tandem_notifications.domain.planning import Planned


@dataclass
class _Row:
    claimed: Claimed
    tags: tuple[str, ...]


class MemoryBook:
    """Holds deliveries and the inbox in dictionaries."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], _Row] = {}
        self.entries: dict[str, InboxEntry] = {}

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

    async def deliver_in_app(self, entry: InboxEntry) -> None:
        """Put an entry in the inbox once."""
        self.entries.setdefault(entry.notification_id, entry)

    async def inbox(self, person_id: str, limit: int, unread_only: bool) -> list[InboxEntry]:
        """The person's newest entries."""
        mine = [
            e
            for e in self.entries.values()
            if e.person_id == person_id and not (unread_only and e.read_at)
        ]
        mine.sort(key=lambda e: (-e.created_at.timestamp(), e.notification_id))
        return mine[:limit]

    async def unread(self, person_id: str) -> int:
        """How many entries the person has not read."""
        return sum(1 for e in self.entries.values() if e.person_id == person_id and not e.read_at)

    async def mark_read(self, person_id: str, notification_id: str, now: datetime) -> bool:
        """Mark one of the person's entries read."""
        entry = self.entries.get(notification_id)
        if entry is None or entry.person_id != person_id:
            return False
        if entry.read_at is None:
            self.entries[notification_id] = replace(entry, read_at=now)
        return True
