"""People's notification choices and programs' channel settings in PostgreSQL."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from tandem_notifications.adapters import surroundings as reads
from tandem_notifications.adapters.records import ProgramChannels
from tandem_notifications.domain.preferences import PersonChoices


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
            "INSERT INTO program_settings AS s (program_id, channel_defaults, webhook_url,"
            " webhook_secret, support) VALUES ($1, $2::jsonb, $3, CASE WHEN $3::text IS NULL"
            " THEN NULL ELSE $4 END, $5) ON CONFLICT (program_id) DO UPDATE"
            " SET channel_defaults = excluded.channel_defaults, webhook_url = excluded.webhook_url,"
            " webhook_secret = CASE WHEN $3::text IS NULL THEN NULL"
            " ELSE coalesce($4, s.webhook_secret) END, support = excluded.support",
            program_id,
            defaults,
            webhook_url,
            webhook_secret,
            support,
        )

    async def program(self, program_id: str) -> ProgramChannels | None:
        """A known program's channel settings."""
        row = await self._conn.fetchrow(
            "SELECT s.channel_defaults, s.webhook_url, s.webhook_secret, coalesce(s.support, '')"
            " AS support FROM programs p LEFT JOIN program_settings s USING (program_id)"
            " WHERE p.program_id = $1",
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
