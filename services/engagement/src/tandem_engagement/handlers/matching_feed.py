"""Workspaces from matching.events: opened by PairCreated, closed by PairEnded or a withdrawal.

Runs as a projection (the runner gives each event once, in a transaction, and parks early
ones); its effect is appending to the workspace streams. A duplicated or redelivered matching
event appends nothing twice: opening and closing are decided from the stream's own state and
appended at its version.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal

import asyncpg

from tandem_engagement.adapters.postgres import PostgresEngagementTables
from tandem_engagement.adapters.workspace_rows import load_workspaces
from tandem_engagement.domain.health import next_review
from tandem_engagement.domain.lifecycle import close_workspace, open_workspace
from tandem_engagement.domain.workspace import Workspace, workspace_stream
from tandem_engagement.handlers.follow_ups import with_follow_ups
from tandem_engagement.handlers.tables import EngagementTables, Missing
from tandem_events.catalog.base import DomainEvent
from tandem_events.catalog.matching import (
    PairCreated,
    PairEnded,
    ParticipantEnrolled,
    ParticipantWithdrew,
    ProfileUpdated,
    ProgramLaunched,
)
from tandem_events.envelope import Envelope
from tandem_events.projection import ProjectionContext, WaitFor
from tandem_events.store_batch import append_many

# A close may race a member's command on the same stream: reload and try again.
ATTEMPTS = 5


class MatchingFeed:
    """Keeps the directory and opens and closes workspaces from matching's events."""

    name = "engagement_matching_feed"
    topics: Sequence[str] = ("matching.events",)
    tables: Sequence[str] = ()

    def __init__(self, source: str = "/tandem/engagement") -> None:
        self._source = source

    async def apply(self, ctx: ProjectionContext, event: DomainEvent, envelope: Envelope) -> None:
        """Apply one matching event."""
        tables = PostgresEngagementTables(ctx.conn, self._source)
        match event:
            case ProgramLaunched():
                await tables.remember_program(event.program_id, event.purpose, event.actor_id)
            case ParticipantEnrolled() | ProfileUpdated():
                await tables.remember_person(
                    event.program_id, event.person_id, event.profile.timezone
                )
            case PairCreated():
                await self._open(ctx.conn, tables, event)
            case PairEnded():
                if not await self._close(ctx.conn, tables, event.pair_id, "pair_ended", event):
                    raise WaitFor(f"PairCreated {event.pair_id}")
            case ParticipantWithdrew():
                await tables.record_withdrawal(event.program_id, event.person_id, event.occurred_at)
                for pair_id in await tables.open_pairs_of(event.program_id, event.person_id):
                    await self._close(ctx.conn, tables, pair_id, "participant_withdrew", event)

    async def _open(
        self, conn: asyncpg.Connection, tables: EngagementTables, created: PairCreated
    ) -> None:
        facts = await tables.opening_facts(created.program_id, created.member_ids)
        if isinstance(facts, Missing):
            # Enrolments are keyed by person and launches by program, so they may sit on
            # other partitions: wake on their key, not on this pair's.
            raise WaitFor(facts.what, key=facts.key)
        state, version = (await load_workspaces(conn, [created.pair_id]))[created.pair_id]
        decided = open_workspace(state, created, facts.purpose, facts.timezones)
        if decided and not await self._append(
            conn, tables, state, version, decided, created.occurred_at
        ):
            raise WaitFor(f"a quiet moment on {created.pair_id}")  # opened concurrently: look again
        await tables.index_workspace(created.pair_id, created.program_id, created.member_ids)
        if await tables.withdrawn(created.program_id, created.member_ids):
            # The withdrawal overtook the PairCreated it ends.
            await self._close(conn, tables, created.pair_id, "participant_withdrew", created)

    async def _close(
        self,
        conn: asyncpg.Connection,
        tables: EngagementTables,
        pair_id: str,
        reason: Literal["pair_ended", "participant_withdrew"],
        cause: DomainEvent,
    ) -> bool:
        """Close the workspace; False when it has not opened yet."""
        for _ in range(ATTEMPTS):
            state, version = (await load_workspaces(conn, [pair_id]))[pair_id]
            if not state.pair_id:
                return False
            decided = close_workspace(state, reason, cause.occurred_at)
            if not decided or await self._append(
                conn, tables, state, version, decided, cause.occurred_at
            ):
                await tables.close_workspace(pair_id)
                return True
        raise RuntimeError(f"workspace {pair_id} kept changing while closing it")

    async def _append(
        self,
        conn: asyncpg.Connection,
        tables: EngagementTables,
        state: Workspace,
        version: int,
        decided: Sequence[DomainEvent],
        now: datetime,
    ) -> bool:
        after, events = with_follow_ups(state, decided, now)
        stream = workspace_stream(after.pair_id)
        if stream not in await append_many(conn, self._source, [(stream, version, events)]):
            return False
        await tables.keep_workspace(after, version + len(events), next_review(after, now))
        return True
