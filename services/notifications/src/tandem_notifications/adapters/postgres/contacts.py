"""The contact cache and the erasure list in PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import asyncpg

from tandem_notifications.adapters.directory import Contact


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
