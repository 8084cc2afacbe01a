"""The engagement write side's SQL: the directory from matching, workspace loads and snapshots."""

from __future__ import annotations

import functools
import os
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime

import asyncpg

from tandem_engagement.adapters import snapshots
from tandem_engagement.domain.folding import fold_all
from tandem_engagement.domain.workspace import Workspace, workspace_stream
from tandem_engagement.handlers.tables import Missing, OpeningFacts
from tandem_events.backbone_settings import BackboneSettings
from tandem_events.catalog.base import DomainEvent
from tandem_events.envelope import Envelope
from tandem_events.errors import ConcurrencyError
from tandem_events.key_wrapping import KeyWrapper, wrapper_from
from tandem_events.sealing import PersonKeyring
from tandem_events.store import AppendResult, recorded
from tandem_events.store_writes import Pending, append_statement
from tandem_events.tracing import current_trace_headers

# The timer kind that re-assesses a pair's health (and days-together milestones).
HEALTH_REVIEW = "pair-health"
# What engagement's events name as their source.
SOURCE = "/tandem/engagement"

# Each pair's snapshot (of this format) and the events after it, in one read. LATERAL keeps
# the events side an index lookup per pair whatever the planner guesses for the array.
_LOAD_MANY = """
SELECT p.pair_id, s.version AS snapshot_version, s.state, e.*
FROM unnest($1::text[], $2::text[]) AS p(pair_id, stream_id)
LEFT JOIN workspace_snapshots s ON s.pair_id = p.pair_id AND s.format = $3
LEFT JOIN LATERAL (
    SELECT position, stream_id, version, event_id, event_type, source, record_key,
           occurred_at, topic, payload, trace
    FROM events
    WHERE events.stream_id = p.stream_id AND events.version > coalesce(s.version, 0)
) e ON true
ORDER BY p.pair_id, e.version
"""

# Snapshots (never moved back to an older version) and next reviews, in one statement. The
# timer rows follow tandem_events.timers (same upsert): one round trip on every command.
_KEEP_MANY = """
WITH kept AS (
    INSERT INTO workspace_snapshots (pair_id, version, format, state)
    SELECT k.pair_id, k.version, $3, k.state
    FROM unnest($1::text[], $2::integer[], $4::jsonb[]) AS k(pair_id, version, state)
    ON CONFLICT (pair_id) DO UPDATE
    SET version = excluded.version, format = excluded.format, state = excluded.state
    WHERE workspace_snapshots.version <= excluded.version
), reviews AS (
    SELECT * FROM unnest($1::text[], $5::timestamptz[]) AS r(key, due_at)
), scheduled AS (
    INSERT INTO timers (kind, key, due_at, payload)
    SELECT $6, key, due_at, '{}'::jsonb FROM reviews WHERE due_at IS NOT NULL
    ON CONFLICT (kind, key) DO UPDATE
    SET due_at = excluded.due_at, payload = excluded.payload, attempts = 0, last_error = NULL
)
DELETE FROM timers t USING reviews r
WHERE r.due_at IS NULL AND t.kind = $6 AND t.key = r.key
"""

# (workspace, its stream version, when it is next reviewed or None).
KeptWorkspace = tuple[Workspace, int, datetime | None]


# The environment the key-encryption key comes from. Reading the settings for every command
# cost about 8 ms of CPU, so a wrapper is made once per distinct value of these variables.
_KEK_VARIABLES = (
    "TANDEM_KEY_ENCRYPTION_KEY",
    "TANDEM_KEY_ENCRYPTION_KEY_PREVIOUS",
    "TANDEM_ENV",
    "TANDEM_DEV_KEYS_DIR",
)


def _key_wrapper() -> KeyWrapper | None:
    return _wrapper_for(tuple(os.environ.get(name) for name in _KEK_VARIABLES))


@functools.lru_cache(maxsize=4)
def _wrapper_for(environment: tuple[str | None, ...]) -> KeyWrapper | None:
    return wrapper_from(BackboneSettings())


class _ThisConnection:
    """One connection standing in for a pool, so keys are made in the command's transaction."""

    def __init__(self, conn: asyncpg.Connection, source: str = SOURCE) -> None:
        self._conn = conn
        self._source = source

    @asynccontextmanager
    async def acquire(self) -> AsyncIterator[asyncpg.Connection]:
        yield self._conn


class PostgresEngagementTables:
    """The engagement tables on the caller's connection (inside its transaction)."""

    def __init__(self, conn: asyncpg.Connection, source: str = SOURCE) -> None:
        self._conn = conn
        self._source = source
        # The keyring asks for a pool; this one hands out the command's own connection.
        self._keys = PersonKeyring(_ThisConnection(conn), _key_wrapper())

    async def load_workspace(self, pair_id: str) -> tuple[Workspace, int]:
        """The pair's workspace and stream version, read in this transaction."""
        return (await load_workspaces(self._conn, [pair_id]))[pair_id]

    async def seal(self, person_id: str, text: str) -> str:
        """``text`` sealed with the person's own key (created on first use)."""
        return await self._keys.seal(person_id, text)

    async def put_resource(
        self, program_id: str, slug: str, kind: str, title: str, body: str, by: str
    ) -> None:
        """Add or replace one of a program's resources or guides."""
        await self._conn.execute(
            "INSERT INTO resources (program_id, slug, kind, title, body, updated_by) "
            "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (program_id, slug) DO UPDATE "
            "SET kind = $3, title = $4, body = $5, updated_by = $6, updated_at = now()",
            program_id,
            slug,
            kind,
            title,
            body,
            by,
        )

    async def append_workspace(
        self, pair_id: str, version: int, events: Sequence[DomainEvent]
    ) -> AppendResult:
        """Append to the pair's stream at ``version`` (else ConcurrencyError), in one statement.

        No savepoint around it, unlike the store's append: a command that loses a race is
        refused whole (409, or the runner retries it), so confining the failure would only
        cost two more round trips on every command.
        """
        stream = workspace_stream(pair_id)
        trace = current_trace_headers()
        envelopes = [Envelope.wrap(e, self._source, trace) for e in events]
        pending = Pending(stream, version, version + len(events), None, envelopes)
        if not await append_statement(self._conn, self._source, pending):
            raise ConcurrencyError(stream, version)
        return AppendResult(stream, pending.new_version)

    async def keep_workspace(self, state: Workspace, version: int, review: datetime | None) -> None:
        """Snapshot the workspace at ``version`` and set its next review (None: never again)."""
        await keep_workspaces(self._conn, [(state, version, review)])

    async def remember_program(self, program_id: str, purpose: str, owner_id: str) -> None:
        """Keep a launched program's purpose and owner."""
        await self._conn.execute(
            "INSERT INTO known_programs (program_id, purpose, owner_id) VALUES ($1, $2, $3) "
            "ON CONFLICT (program_id) DO UPDATE SET purpose = $2, owner_id = $3",
            program_id,
            purpose,
            owner_id,
        )

    async def remember_person(self, program_id: str, person_id: str, timezone: str) -> None:
        """Keep an enrolled person's timezone (an enrolment also cancels a withdrawal)."""
        await self._conn.execute(
            "INSERT INTO known_people (program_id, person_id, timezone) VALUES ($1, $2, $3) "
            "ON CONFLICT (program_id, person_id) DO UPDATE SET timezone = $3",
            program_id,
            person_id,
            timezone,
        )
        await self._conn.execute(
            "DELETE FROM withdrawals WHERE program_id = $1 AND person_id = $2",
            program_id,
            person_id,
        )

    async def record_withdrawal(self, program_id: str, person_id: str, at: datetime) -> None:
        """Remember that a person left a program."""
        await self._conn.execute(
            "INSERT INTO withdrawals (program_id, person_id, withdrew_at) VALUES ($1, $2, $3) "
            "ON CONFLICT (program_id, person_id) DO UPDATE SET withdrew_at = $3",
            program_id,
            person_id,
            at,
        )

    async def opening_facts(
        self, program_id: str, member_ids: tuple[str, ...]
    ) -> OpeningFacts | Missing:
        """The facts to open a pair's workspace, or what is still missing."""
        purpose = await self._conn.fetchval(
            "SELECT purpose FROM known_programs WHERE program_id = $1", program_id
        )
        if purpose is None:
            return Missing(f"ProgramLaunched {program_id}", program_id)
        rows = await self._conn.fetch(
            "SELECT person_id, timezone FROM known_people "
            "WHERE program_id = $1 AND person_id = ANY($2::text[])",
            program_id,
            list(member_ids),
        )
        zones = {row["person_id"]: row["timezone"] for row in rows}
        missing = [m for m in member_ids if m not in zones]
        if missing:
            return Missing(f"ParticipantEnrolled {program_id}/{missing[0]}", missing[0])
        return OpeningFacts(purpose, zones)

    async def withdrawn(self, program_id: str, member_ids: tuple[str, ...]) -> bool:
        """Whether one of the members has withdrawn from the program."""
        found = await self._conn.fetchval(
            "SELECT 1 FROM withdrawals WHERE program_id = $1 AND person_id = ANY($2::text[])",
            program_id,
            list(member_ids),
        )
        return found is not None

    async def index_workspace(
        self, pair_id: str, program_id: str, members: tuple[str, ...]
    ) -> None:
        """Record an opened workspace by its members."""
        await self._conn.execute(
            "INSERT INTO workspace_index (pair_id, program_id, member_ids) VALUES ($1, $2, $3) "
            "ON CONFLICT (pair_id) DO NOTHING",
            pair_id,
            program_id,
            list(members),
        )

    async def close_workspace(self, pair_id: str) -> None:
        """Mark a workspace closed in the index."""
        await self._conn.execute(
            "UPDATE workspace_index SET open = false WHERE pair_id = $1", pair_id
        )

    async def open_pairs_of(self, program_id: str, person_id: str) -> list[str]:
        """The open workspaces a person has in a program."""
        rows = await self._conn.fetch(
            "SELECT pair_id FROM workspace_index "
            "WHERE open AND program_id = $1 AND member_ids @> ARRAY[$2::text] ORDER BY pair_id",
            program_id,
            person_id,
        )
        return [row["pair_id"] for row in rows]

    async def programs_owned_by(self, owner_id: str) -> list[str]:
        """The programs an admin launched."""
        rows = await self._conn.fetch(
            "SELECT program_id FROM known_programs WHERE owner_id = $1 ORDER BY program_id",
            owner_id,
        )
        return [row["program_id"] for row in rows]


async def load_workspaces(
    conn: asyncpg.Connection, pair_ids: Sequence[str]
) -> dict[str, tuple[Workspace, int]]:
    """Many workspaces and their stream versions in one read (snapshot plus later events)."""
    streams = [workspace_stream(p) for p in pair_ids]
    starts: dict[str, tuple[Workspace, int]] = {}
    events: dict[str, list[DomainEvent]] = {p: [] for p in pair_ids}
    versions = dict.fromkeys(pair_ids, 0)
    for row in await conn.fetch(_LOAD_MANY, list(pair_ids), streams, snapshots.FORMAT):
        pair_id = row["pair_id"]
        if pair_id not in starts:
            at = row["snapshot_version"]
            start = snapshots.decode(row["state"]) if at is not None else Workspace()
            starts[pair_id] = (start, at or 0)
            versions[pair_id] = at or 0
        if row["position"] is not None:
            events[pair_id].append(recorded(row).event())
            versions[pair_id] = row["version"]
    return {
        p: (fold_all(starts.get(p, (Workspace(), 0))[0], events[p]), versions[p]) for p in pair_ids
    }


async def keep_workspaces(conn: asyncpg.Connection, kept: Sequence[KeptWorkspace]) -> None:
    """Snapshot many workspaces and set their next reviews in one statement."""
    if not kept:
        return
    await conn.execute(
        _KEEP_MANY,
        [state.pair_id for state, _, _ in kept],
        [version for _, version, _ in kept],
        snapshots.FORMAT,
        [snapshots.encode(state) for state, _, _ in kept],
        [review for _, _, review in kept],
        HEALTH_REVIEW,
    )
