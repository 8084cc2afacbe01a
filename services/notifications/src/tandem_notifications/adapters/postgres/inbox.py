"""The in-app inbox in PostgreSQL: the part of the delivery book people read."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import asyncpg

from tandem_notifications.adapters.records import InboxEntry


class PostgresInbox:
    """People's inboxes on one connection (inside the caller's transaction when it has one)."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def deliver_in_app(self, entries: Sequence[InboxEntry]) -> None:
        """Put entries in their people's inboxes (once per notification), in one statement."""
        if not entries:
            return
        await self._conn.execute(
            "INSERT INTO inbox (notification_id, person_id, kind, subject, body, created_at)"
            " SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[],"
            " $6::timestamptz[]) ON CONFLICT DO NOTHING",
            [e.notification_id for e in entries],
            [e.person_id for e in entries],
            [e.kind for e in entries],
            [e.subject for e in entries],
            [e.body for e in entries],
            [e.created_at for e in entries],
        )

    async def inbox(self, person_id: str, limit: int, unread_only: bool) -> list[InboxEntry]:
        """The person's newest entries."""
        rows = await self._conn.fetch(
            "SELECT notification_id::text, person_id, kind, subject, body, created_at, read_at"
            " FROM inbox WHERE person_id = $1 AND (NOT $3 OR read_at IS NULL)"
            " ORDER BY created_at DESC, notification_id LIMIT $2",
            person_id,
            limit,
            unread_only,
        )
        return [InboxEntry(**dict(r)) for r in rows]

    async def unread(self, person_id: str) -> int:
        """How many entries the person has not read."""
        count = await self._conn.fetchval(
            "SELECT count(*) FROM inbox WHERE person_id = $1 AND read_at IS NULL", person_id
        )
        return int(count)

    async def mark_read(self, person_id: str, notification_id: str, now: datetime) -> bool:
        """Mark one of the person's entries read; False when it is not theirs or not there."""
        found = await self._conn.fetchval(
            "UPDATE inbox SET read_at = coalesce(read_at, $3)"
            " WHERE notification_id = $1::uuid AND person_id = $2 RETURNING 1",
            notification_id,
            person_id,
            now,
        )
        return found is not None
