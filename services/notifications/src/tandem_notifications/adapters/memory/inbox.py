"""The in-app inbox in a dictionary: the inbox half of the in-memory delivery book."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from tandem_notifications.adapters.records import InboxEntry


class MemoryInbox:
    """Holds the inbox in a dictionary."""

    def __init__(self) -> None:
        self.entries: dict[str, InboxEntry] = {}

    async def deliver_in_app(self, entries: Sequence[InboxEntry]) -> None:
        """Put entries in the inbox once each."""
        for entry in entries:
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
