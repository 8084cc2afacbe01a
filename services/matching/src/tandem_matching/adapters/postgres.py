"""The matching service's write-side SQL, all of it, on the command's connection."""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import astuple
from typing import Any

import asyncpg
import orjson

from tandem_matching.domain.round_record import StoredPreview
from tandem_matching.handlers.tables import (
    DirectoryEntry,
    PairEntry,
    PeerRequestRow,
    PrivateAnswers,
    Upserted,
)

_INDEX_PAIRS = """
INSERT INTO pair_index (pair_id, program_id, member_ids, active, components)
SELECT p->>'pair_id', $1, ARRAY(SELECT jsonb_array_elements_text(p->'member_ids')), true,
       p->'components'
FROM jsonb_array_elements($2::jsonb) AS p
"""
_UPSERT_PEOPLE = """
INSERT INTO people AS p (person_id, name, email, level, department, team, manager_id, timezone,
                         languages, departed_on)
SELECT i, n, e, lv, d, t, m, tz, lang::text[], gone
FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[],
            $7::text[], $8::text[], $9::text[], $10::date[])
     AS u(i, n, e, lv, d, t, m, tz, lang, gone)
ON CONFLICT (person_id) DO UPDATE SET
    name = excluded.name, email = excluded.email, level = excluded.level,
    department = excluded.department, team = excluded.team, manager_id = excluded.manager_id,
    timezone = excluded.timezone, languages = excluded.languages,
    departed_on = excluded.departed_on, updated_at = now()
WHERE (p.name, p.email, p.level, p.department, p.team, p.manager_id, p.timezone, p.languages,
       p.departed_on) IS DISTINCT FROM
      (excluded.name, excluded.email, excluded.level, excluded.department, excluded.team,
       excluded.manager_id, excluded.timezone, excluded.languages, excluded.departed_on)
RETURNING person_id, (xmax = 0) AS created, departed_on
"""

_CHAINS = """
WITH RECURSIVE chain(person_id, ancestor, depth) AS (
    SELECT person_id, manager_id, 1 FROM people
    WHERE person_id = ANY($1::text[]) AND manager_id IS NOT NULL
  UNION ALL
    SELECT c.person_id, p.manager_id, c.depth + 1
    FROM chain c JOIN people p ON p.person_id = c.ancestor
    WHERE p.manager_id IS NOT NULL AND c.depth < 64 AND p.manager_id <> c.person_id
)
SELECT person_id, array_agg(ancestor ORDER BY depth) AS chain FROM chain GROUP BY person_id
"""

_SAVE_ENROLMENT = """
INSERT INTO enrolments (program_id, person_id, status, profile, personality, work_start, work_end)
VALUES ($1, $2, 'enrolled', $3, $4, $5, $6)
ON CONFLICT (program_id, person_id) DO UPDATE SET status = 'enrolled', profile = $3,
    personality = $4, work_start = $5, work_end = $6, updated_at = now()
"""

_ENROLLED = """
SELECT e.person_id, e.profile, e.personality, e.work_start, e.work_end, e.rematch_requested,
       p.name, p.level, p.department, p.team, p.timezone, p.languages,
       EXISTS (SELECT 1 FROM pair_index x WHERE x.program_id = e.program_id AND x.active
               AND e.person_id = ANY(x.member_ids)) AS busy
FROM enrolments e JOIN people p USING (person_id)
WHERE e.program_id = $1 AND e.status = 'enrolled' AND p.departed_on IS NULL
  AND ($2::text[] IS NULL OR e.person_id = ANY($2::text[]))
ORDER BY e.person_id
"""

_PERSON_FIELDS = (
    "person_id, name, email, level, department, team, manager_id, timezone, languages, departed_on"
)


_REQUEST_FIELDS = "request_id, program_id, requester_id, peer_id, status, expires_at, note"


class PostgresMatchingTables:
    """:class:`~tandem_matching.handlers.tables.MatchingTables` on one asyncpg connection."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def upsert_people(self, entries: Sequence[DirectoryEntry]) -> list[Upserted]:
        """Insert or update by person id; only rows that changed come back."""
        columns = [
            [e.person_id for e in entries],
            [e.name for e in entries],
            [e.email for e in entries],
            [e.level for e in entries],
            [e.department for e in entries],
            [e.team for e in entries],
            [e.manager_id for e in entries],
            [e.timezone for e in entries],
            ["{" + ",".join(_quoted(x) for x in e.languages) + "}" for e in entries],
            [e.departed_on for e in entries],
        ]
        rows = await self._conn.fetch(_UPSERT_PEOPLE, *columns)
        return [Upserted(r["person_id"], r["created"], r["departed_on"]) for r in rows]

    async def person(self, person_id: str) -> DirectoryEntry | None:
        """The directory entry of one person."""
        row = await self._conn.fetchrow(
            f"SELECT {_PERSON_FIELDS} FROM people WHERE person_id = $1", person_id
        )
        return None if row is None else _entry(row)

    async def whole_directory(self) -> list[DirectoryEntry]:
        """Every entry; the directory stays locked to other imports until commit."""
        # Two imports checked side by side could each pass and together break a rule.
        await self._conn.execute("LOCK TABLE people IN SHARE ROW EXCLUSIVE MODE")
        rows = await self._conn.fetch(f"SELECT {_PERSON_FIELDS} FROM people")
        return [_entry(r) for r in rows]

    async def enrolments_of(self, person_ids: Sequence[str]) -> list[tuple[str, str]]:
        """(program, person) of every current enrolment of these people."""
        rows = await self._conn.fetch(
            "SELECT program_id, person_id FROM enrolments WHERE status = 'enrolled'"
            " AND person_id = ANY($1::text[]) ORDER BY 1, 2",
            list(person_ids),
        )
        return [(r["program_id"], r["person_id"]) for r in rows]

    async def save_enrolment(
        self, program_id: str, person_id: str, profile: dict[str, Any], private: PrivateAnswers
    ) -> None:
        """Enrol (again) with this profile and these private answers."""
        personality = list(private.personality.as_tuple()) if private.personality else None
        await self._conn.execute(
            _SAVE_ENROLMENT,
            program_id,
            person_id,
            profile,
            personality,
            private.work_start,
            private.work_end,
        )

    async def withdraw_enrolment(self, program_id: str, person_id: str) -> None:
        """Mark the enrolment withdrawn."""
        await self._conn.execute(
            "UPDATE enrolments SET status = 'withdrawn', rematch_requested = false,"
            " updated_at = now() WHERE program_id = $1 AND person_id = $2",
            program_id,
            person_id,
        )

    async def mark_rematch(
        self, program_id: str, person_ids: Sequence[str] | None, wanted: bool
    ) -> None:
        """Set or clear 'wants new partners' (for everyone in the program when ids are None)."""
        await self._conn.execute(
            "UPDATE enrolments SET rematch_requested = $3 WHERE program_id = $1"
            " AND ($2::text[] IS NULL OR person_id = ANY($2::text[]))",
            program_id,
            list(person_ids) if person_ids is not None else None,
            wanted,
        )

    async def lock_roster(self, program_id: str) -> None:
        """Hold the program's enrolments until commit (no withdrawal slips into a round)."""
        await self._conn.execute(
            "SELECT 1 FROM enrolments WHERE program_id = $1 FOR UPDATE", program_id
        )

    async def enrolled(
        self, program_id: str, only: Sequence[str] | None
    ) -> list[Mapping[str, Any]]:
        """Enrolled, present people of the program with their directory fields and ``busy``."""
        # The records as they come (read by key like a mapping): copying 10,000 of them into
        # dicts cost a 10k preview 0.05 s for nothing.
        rows: list[Mapping[str, Any]] = await self._conn.fetch(
            _ENROLLED, program_id, list(only) if only is not None else None
        )
        return rows

    async def manager_chains(self, person_ids: Sequence[str]) -> dict[str, list[str]]:
        """Each person's managers, nearest first (a cycle in the data stops the walk)."""
        rows = await self._conn.fetch(_CHAINS, list(person_ids))
        return {r["person_id"]: list(dict.fromkeys(r["chain"])) for r in rows}

    async def partners_in(self, program_id: str, person_ids: Sequence[str]) -> list[list[str]]:
        """Members of every pair in the program (past or active) that includes one of these."""
        rows = await self._conn.fetch(
            "SELECT member_ids FROM pair_index WHERE program_id = $1 AND member_ids && $2::text[]",
            program_id,
            list(person_ids),
        )
        return [list(r["member_ids"]) for r in rows]

    async def active_pairs(self, program_id: str, person_id: str | None = None) -> list[str]:
        """The program's active pairs (of ``person_id`` when given), locked until commit."""
        rows = await self._conn.fetch(
            "SELECT pair_id FROM pair_index WHERE program_id = $1 AND active "
            "AND ($2::text IS NULL OR $2 = ANY(member_ids)) ORDER BY pair_id FOR UPDATE",
            program_id,
            person_id,
        )
        return [r["pair_id"] for r in rows]

    async def busy_pairs(self, program_id: str, member_ids: Sequence[str]) -> list[str]:
        """Active pairs of the program that hold any of ``member_ids``."""
        rows = await self._conn.fetch(
            "SELECT pair_id FROM pair_index WHERE program_id = $1 AND active"
            " AND member_ids && $2::text[] ORDER BY pair_id",
            program_id,
            list(member_ids),
        )
        return [r["pair_id"] for r in rows]

    async def index_pairs(self, program_id: str, pairs: Sequence[PairEntry]) -> None:
        """Index new, active pairs: one statement for a whole round."""
        await self._conn.execute(
            _INDEX_PAIRS,
            program_id,
            [
                {"pair_id": p.pair_id, "member_ids": p.member_ids, "components": p.components}
                for p in pairs
            ],
        )

    async def deactivate_pair(self, pair_id: str) -> None:
        """The pair has ended."""
        await self._conn.execute("UPDATE pair_index SET active = false WHERE pair_id = $1", pair_id)

    async def save_peer_request(self, request: PeerRequestRow) -> None:
        """Insert the request, or update its status."""
        await self._conn.execute(
            "INSERT INTO peer_requests (request_id, program_id, requester_id, peer_id, status,"
            " expires_at, note) VALUES ($1, $2, $3, $4, $5, $6, $7)"
            " ON CONFLICT (request_id) DO UPDATE SET status = excluded.status",
            *astuple(request),
        )

    async def peer_requests(
        self, program_id: str, person_ids: Sequence[str]
    ) -> list[PeerRequestRow]:
        """The program's requests from or to any of these people, latest expiry first."""
        rows = await self._conn.fetch(
            f"SELECT {_REQUEST_FIELDS} FROM peer_requests WHERE program_id = $1"
            " AND (requester_id = ANY($2::text[]) OR peer_id = ANY($2::text[]))"
            " ORDER BY expires_at DESC, request_id",
            program_id,
            list(person_ids),
        )
        return [PeerRequestRow(**dict(r)) for r in rows]

    async def save_preview(self, preview: StoredPreview) -> None:
        """Keep a previewed round under its token."""
        await self._conn.execute(
            # clock_timestamp, not now(): "newest" must hold within one transaction too.
            "INSERT INTO round_previews"
            " (token, program_id, program_version, pool_hash, plan, created_at)"
            " VALUES ($1, $2, $3, $4, $5, clock_timestamp())",
            # Field by field: astuple would deep-copy the plan (0.7 s for 5,000 pairs).
            preview.token,
            preview.program_id,
            preview.program_version,
            preview.pool_hash,
            packed(preview.plan),
        )

    async def preview(self, program_id: str, token: str) -> StoredPreview | None:
        """The program's preview of that token."""
        row = await self._conn.fetchrow(
            "SELECT token, program_id, program_version, pool_hash, plan FROM round_previews"
            " WHERE token = $1 AND program_id = $2",
            token,
            program_id,
        )
        return (
            None if row is None else StoredPreview(**{**dict(row), "plan": unpacked(row["plan"])})
        )

    async def forget_previews(self, program_id: str, before_version: int, keep: int) -> None:
        """Drop the program's stale previews and all but its newest ``keep``."""
        await self._conn.execute(
            "DELETE FROM round_previews WHERE program_id = $1 AND (program_version < $2"
            " OR token NOT IN (SELECT token FROM round_previews WHERE program_id = $1"
            " AND program_version >= $2 ORDER BY created_at DESC, token LIMIT $3))",
            program_id,
            before_version,
            keep,
        )


def packed(plan: dict[str, Any]) -> bytes:
    """A plan as stored: its JSON, compressed (level 1: 10 ms for 1.8 MB, a tenth the size)."""
    return zlib.compress(orjson.dumps(plan), 1)


def unpacked(stored: bytes) -> dict[str, Any]:
    """A stored plan: packed, or plain JSON (kept before migration 0007)."""
    plain = stored if stored[:1] == b"{" else zlib.decompress(stored)
    found: dict[str, Any] = orjson.loads(plain)
    return found


def _entry(row: asyncpg.Record) -> DirectoryEntry:
    return DirectoryEntry(**{**dict(row), "languages": tuple(row["languages"] or ())})


def _quoted(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
