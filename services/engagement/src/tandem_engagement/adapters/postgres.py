"""The engagement write side's SQL: the directory from matching, workspace loads and snapshots."""

from __future__ import annotations

import functools
import os
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime

import asyncpg

from tandem_engagement.adapters.workspace_rows import (
    append_and_keep,
    keep_workspaces,
    load_workspaces,
)
from tandem_engagement.domain.workspace import Workspace, workspace_stream
from tandem_engagement.handlers.tables import Missing, OpeningFacts
from tandem_events.backbone_settings import BackboneSettings
from tandem_events.catalog.base import DomainEvent
from tandem_events.envelope import Envelope
from tandem_events.errors import ConcurrencyError
from tandem_events.key_wrapping import KeyWrapper, wrapper_from
from tandem_events.sealing import PersonKeyring
from tandem_events.sealing_keys import SealingKeys
from tandem_events.store import AppendResult
from tandem_events.store_append import Pending, append_statement
from tandem_events.tracing import current_trace_headers
from tandem_service.commands.closing import Closing
from tandem_service.database import database_of

# What engagement's events name as their source.
SOURCE = "/tandem/engagement"


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


# The members' unwrapped keys, shared by this process's commands on one database: a note is
# sealed without reading the key again for a few seconds (tandem_events.sealing_keys says why
# erasure wins). Per database, since tests run many in one process; none on a connection
# whose database is unknown.
_SEALING_KEYS: dict[str, SealingKeys] = {}


def _sealing_keys(conn: asyncpg.Connection) -> SealingKeys | None:
    database = database_of(conn)
    return None if database is None else _SEALING_KEYS.setdefault(database, SealingKeys())


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
        self._keys = PersonKeyring(_ThisConnection(conn), _key_wrapper(), _sealing_keys(conn))

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
        pending = self._pending(pair_id, version, events)
        if not await append_statement(self._conn, self._source, pending):
            raise ConcurrencyError(pending.stream_id, version)
        return AppendResult(pending.stream_id, pending.new_version)

    async def append_keeping(
        self,
        after: Workspace,
        version: int,
        events: Sequence[DomainEvent],
        review: datetime | None,
        closing: Closing | None = None,
    ) -> AppendResult:
        """Append at ``version`` (else ConcurrencyError) and keep ``after``, the workspace they
        lead to, with its next review, and with ``closing`` the command's record: one
        statement, one round trip for a command's writes, atomic without a transaction."""
        pending = self._pending(after.pair_id, version, events)
        kept = (after, pending.new_version, review)
        result = AppendResult(pending.stream_id, pending.new_version)
        record = closing.record(result) if closing is not None else None
        if not await append_and_keep(self._conn, self._source, pending, kept, record):
            raise ConcurrencyError(pending.stream_id, version)
        return result

    def _pending(self, pair_id: str, version: int, events: Sequence[DomainEvent]) -> Pending:
        trace = current_trace_headers()
        envelopes = [Envelope.wrap(e, self._source, trace) for e in events]
        stream = workspace_stream(pair_id)
        return Pending(stream, version, version + len(events), None, envelopes)

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
