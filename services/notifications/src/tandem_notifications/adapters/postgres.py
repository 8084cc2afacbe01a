"""The notifications write side in PostgreSQL: the delivery book, the inbox, the caches."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import asyncpg

from tandem_notifications.adapters import surroundings as reads
from tandem_notifications.adapters.directory import Contact
from tandem_notifications.adapters.held import CANCEL_HELD, HELD, held
from tandem_notifications.adapters.ports import (
    Announced,
    ChoiceBook,
    Claimed,
    DeliveryBook,
    InboxEntry,
    ProgramChannels,
    Settled,
)
from tandem_notifications.domain.delivery import Delivery, Status
from tandem_notifications.domain.kinds import PRIORITY, Channel, Kind
from tandem_notifications.domain.planning import Planned
from tandem_notifications.domain.preferences import PersonChoices

# One statement per recorded plan, whatever it holds, so that the projection runner's
# write-behind sends a whole batch of plans as one pipelined run: the series' timers (the
# kit's timers table), new pairs' rows (the planner's table) and the deliveries.
_RECORD = """
WITH series AS (
    INSERT INTO timers (kind, key, due_at, payload)
    SELECT $12, s.key, s.due, s.payload
    FROM unnest($13::text[], $14::timestamptz[], $15::jsonb[]) AS s(key, due, payload)
    ON CONFLICT (kind, key) DO UPDATE
    SET due_at = excluded.due_at, payload = excluded.payload, attempts = 0, last_error = NULL
), held AS (
    INSERT INTO timers (kind, key, due_at, payload)
    SELECT $19, h.key, h.due, h.payload
    FROM unnest($20::text[], $21::timestamptz[], $22::jsonb[]) AS h(key, due, payload)
    ON CONFLICT (kind, key) DO NOTHING
), pair AS (
    INSERT INTO {pairs} (pair_id, program_id, member_ids)
    SELECT p.id, p.program, string_to_array(p.members, chr(31))
    FROM unnest($16::text[], $17::text[], $18::text[]) AS p(id, program, members)
    ON CONFLICT (pair_id) DO NOTHING
)
INSERT INTO deliveries (notification_id, channel, cause_id, recipient_id, kind, program_id,
                        pair_id, tags, data, priority, due_at)
SELECT t.id, t.channel, t.cause, t.recipient, t.kind, t.program, t.pair,
       string_to_array(t.tags, chr(31)), t.data, t.priority, t.due
FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
            $8::text[], $9::jsonb[], $10::smallint[], $11::timestamptz[])
     AS t(id, channel, cause, recipient, kind, program, pair, tags, data, priority, due)
ON CONFLICT (notification_id, channel) DO NOTHING
"""

_ANNOUNCE = """
UPDATE deliveries d SET announced = true
FROM (
    SELECT notification_id, channel FROM deliveries
    WHERE NOT announced AND ($2::timestamptz IS NULL OR due_at <= $2)
    ORDER BY due_at, notification_id, channel LIMIT $1 FOR UPDATE SKIP LOCKED
) new
WHERE d.notification_id = new.notification_id AND d.channel = new.channel
RETURNING d.notification_id::text, d.channel, d.recipient_id, d.kind, d.due_at, d.pair_id
"""

_CLAIM = """
UPDATE deliveries d
SET status = 'sending', attempts = d.attempts + 1, lease_until = $2
FROM (
    SELECT notification_id, channel FROM deliveries
    WHERE (status = 'scheduled' AND announced AND due_at <= $1)
       OR (status = 'sending' AND lease_until <= $1)
    ORDER BY priority, due_at
    LIMIT $3
    FOR UPDATE SKIP LOCKED
) due
WHERE d.notification_id = due.notification_id AND d.channel = due.channel
RETURNING d.*
"""

_SETTLE = """
UPDATE deliveries d
SET status = t.status, due_at = t.due, lease_until = NULL, last_error = t.error,
    attempts = t.attempts,
    finished_at = CASE WHEN t.status IN ('sent', 'failed', 'skipped') THEN $7::timestamptz END
FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::int[],
            $8::int[]) AS t(id, channel, status, due, error, attempts, claimed)
WHERE d.notification_id = t.id AND d.channel = t.channel
  AND d.status = 'sending' AND d.attempts = t.claimed
RETURNING d.notification_id::text, d.channel
"""


HORIZON = "notifications.horizon"  # the timers kind of rolling series


@dataclass(frozen=True)
class NewPair:
    """A pair as the planner keeps it when it is created."""

    pair_id: str
    program_id: str
    member_ids: tuple[str, ...]


class PostgresBook:
    """The delivery book on one connection (inside the caller's transaction when it has one)."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

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
            _RECORD.format(pairs=pairs_table),
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
        rows = await self._conn.fetch(_ANNOUNCE, limit, due_by)
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
        rows = await self._conn.fetch(_CLAIM, now, now + lease, limit)
        claimed = [_claimed(r) for r in rows]
        claimed.sort(key=lambda c: (PRIORITY[c.delivery.kind], c.delivery.due_at))
        return claimed

    async def settle(self, settled: Sequence[Settled], now: datetime) -> list[bool]:
        """Store each outcome if its attempt is still the current one (not taken over)."""
        if not settled:
            return []
        outcomes = [s.outcome for s in settled]
        rows = await self._conn.fetch(
            _SETTLE,
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


class PostgresContacts:
    """The contact cache and the erasure list, on one connection or pool."""

    def __init__(self, conn: asyncpg.Connection | asyncpg.Pool) -> None:
        self._conn = conn

    async def cached(self, person_ids: Sequence[str], fresh_since: datetime) -> dict[str, Contact]:
        """Contacts fetched since ``fresh_since``."""
        rows = await self._conn.fetch(
            "SELECT person_id, name, email, timezone FROM contacts"
            " WHERE person_id = ANY($1::text[]) AND fetched_at >= $2",
            list(person_ids),
            fresh_since,
        )
        return {r["person_id"]: Contact(**dict(r)) for r in rows}

    async def erased(self, person_ids: Sequence[str]) -> set[str]:
        """Those of ``person_ids`` erased here: never fetched again, never contacted."""
        rows = await self._conn.fetch(
            "SELECT person_id FROM keyring.erased_people WHERE person_id = ANY($1::text[])",
            list(person_ids),
        )
        return {r[0] for r in rows}

    async def remember(self, contacts: Sequence[Contact], now: datetime) -> None:
        """Cache ``contacts`` (unless their person was erased meanwhile)."""
        if not contacts:
            return
        await self._conn.execute(
            "INSERT INTO contacts (person_id, name, email, timezone, fetched_at)"
            " SELECT t.p, t.n, t.e, t.z, $5 FROM unnest($1::text[], $2::text[], $3::text[],"
            " $4::text[]) AS t(p, n, e, z)"
            " WHERE NOT EXISTS (SELECT 1 FROM keyring.erased_people x WHERE x.person_id = t.p)"
            " ON CONFLICT (person_id) DO UPDATE SET name = excluded.name, email = excluded.email,"
            " timezone = excluded.timezone, fetched_at = excluded.fetched_at",
            [c.person_id for c in contacts],
            [c.name for c in contacts],
            [c.email for c in contacts],
            [c.timezone for c in contacts],
            now,
        )

    async def forget(self, person_id: str) -> None:
        """Drop a cached contact (the person withdrew; fetch afresh if ever needed again)."""
        await self._conn.execute("DELETE FROM contacts WHERE person_id = $1", person_id)


class PostgresChoices:
    """People's preferences and programs' owner settings."""

    def __init__(self, conn: asyncpg.Connection | asyncpg.Pool) -> None:
        self._conn = conn

    async def save_person(self, person_id: str, choices: PersonChoices, now: datetime) -> None:
        """Replace a person's choices."""
        p, r = choices.preferences, choices.rhythm
        await self._conn.execute(
            "INSERT INTO preferences (person_id, channels, email_unsubscribed, share_celebrations,"
            " timezone, work_start, work_end, quiet_start, quiet_end, weekend, updated_at)"
            " VALUES ($1, $2::jsonb, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
            " ON CONFLICT (person_id) DO UPDATE SET channels = excluded.channels,"
            " email_unsubscribed = excluded.email_unsubscribed,"
            " share_celebrations = excluded.share_celebrations, timezone = excluded.timezone,"
            " work_start = excluded.work_start, work_end = excluded.work_end,"
            " quiet_start = excluded.quiet_start, quiet_end = excluded.quiet_end,"
            " weekend = excluded.weekend, updated_at = excluded.updated_at",
            person_id,
            {k.value: sorted(c.value for c in v) for k, v in p.channels.items()},
            p.email_unsubscribed,
            p.share_celebrations,
            r.timezone,
            r.work_start,
            r.work_end,
            r.quiet_start,
            r.quiet_end,
            sorted(r.weekend),
            now,
        )

    async def person(self, person_id: str) -> PersonChoices | None:
        """A person's stored choices (None: they made none)."""
        return (await reads.choices(self._conn, [person_id])).get(person_id)

    async def unsubscribe_email(self, person_id: str, now: datetime) -> None:
        """Stop every email to the person at once, keeping their other choices."""
        await self._conn.execute(
            "INSERT INTO preferences (person_id, email_unsubscribed, updated_at)"
            " VALUES ($1, true, $2) ON CONFLICT (person_id) DO UPDATE"
            " SET email_unsubscribed = true, updated_at = excluded.updated_at",
            person_id,
            now,
        )

    async def save_program(
        self,
        program_id: str,
        defaults: dict[str, list[str]],
        webhook_url: str | None,
        webhook_secret: str | None,
        support: str,
    ) -> None:
        """Store an owner's channel settings (a None secret keeps the current one)."""
        await self._conn.execute(
            "UPDATE programs SET channel_defaults = $2::jsonb, webhook_url = $3,"
            " webhook_secret = CASE WHEN $3::text IS NULL THEN NULL"
            " ELSE coalesce($4, webhook_secret) END, support = $5 WHERE program_id = $1",
            program_id,
            defaults,
            webhook_url,
            webhook_secret,
            support,
        )

    async def program(self, program_id: str) -> ProgramChannels | None:
        """A known program's channel settings."""
        row = await self._conn.fetchrow(
            "SELECT channel_defaults, webhook_url, webhook_secret, support FROM programs"
            " WHERE program_id = $1",
            program_id,
        )
        if row is None:
            return None
        return ProgramChannels(
            dict(row[0] or {}), row["webhook_url"], row["webhook_secret"], row["support"]
        )

    async def template(self, program_id: str, kind: str, part: str) -> str | None:
        """A program's override of one part, if any."""
        source: str | None = await self._conn.fetchval(
            "SELECT source FROM program_templates WHERE program_id = $1 AND kind = $2"
            " AND part = $3",
            program_id,
            kind,
            part,
        )
        return source

    async def put_template(self, program_id: str, kind: str, part: str, source: str) -> None:
        """Override one part of one kind for a program."""
        await self._conn.execute(
            "INSERT INTO program_templates (program_id, kind, part, source) VALUES ($1, $2, $3, $4)"
            " ON CONFLICT (program_id, kind, part) DO UPDATE SET source = excluded.source,"
            " updated_at = now()",
            program_id,
            kind,
            part,
            source,
        )

    async def drop_template(self, program_id: str, kind: str, part: str) -> bool:
        """Go back to Tandem's template for one part; False when there was no override."""
        found = await self._conn.fetchval(
            "DELETE FROM program_templates WHERE program_id = $1 AND kind = $2 AND part = $3"
            " RETURNING 1",
            program_id,
            kind,
            part,
        )
        return found is not None


class PostgresNotificationTables:
    """The write side one command reaches, on its transaction's connection."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._book = PostgresBook(conn)
        self._choices = PostgresChoices(conn)

    @property
    def book(self) -> DeliveryBook:
        """Deliveries and the inbox."""
        return self._book

    @property
    def choices(self) -> ChoiceBook:
        """Preferences and program settings."""
        return self._choices
