"""Workspaces from matching.events: opened by PairCreated, closed by PairEnded or a withdrawal.

Runs as a projection (the runner gives each event once, in a transaction, and parks early
ones); its effect is appending to the workspace streams, keyed so a redelivered or duplicated
matching event appends nothing twice.
"""

from __future__ import annotations

from typing import Literal

import asyncpg

from tandem_engagement.adapters.ports import Directory
from tandem_engagement.adapters.postgres import PostgresDirectory, load_workspaces
from tandem_engagement.domain.lifecycle import close_workspace, open_workspace
from tandem_engagement.handlers.follow_ups import append_with_follow_ups
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
from tandem_events.errors import ConcurrencyError
from tandem_events.projection import ProjectionContext, WaitFor
from tandem_events.store import EventStore

# A close may race a member's command on the same stream: reload and try again.
CLOSE_ATTEMPTS = 5


class MatchingFeed:
    """Keeps the directory and opens and closes workspaces from matching's events."""

    name = "engagement_matching_feed"
    topics = ("matching.events",)
    tables: tuple[str, ...] = ()

    def __init__(self, store: EventStore) -> None:
        self._store = store

    async def apply(self, ctx: ProjectionContext, event: DomainEvent, envelope: Envelope) -> None:
        """Apply one matching event."""
        directory = PostgresDirectory(ctx.conn)
        match event:
            case ProgramLaunched():
                await directory.remember_program(event.program_id, event.purpose, event.actor_id)
            case ParticipantEnrolled() | ProfileUpdated():
                await directory.remember_person(
                    event.program_id, event.person_id, event.profile.timezone
                )
            case PairCreated():
                await self._open(ctx.conn, directory, event)
            case PairEnded():
                if not await self._close(ctx.conn, directory, event.pair_id, "pair_ended", event):
                    raise WaitFor(f"PairCreated {event.pair_id}")
            case ParticipantWithdrew():
                await directory.record_withdrawal(
                    event.program_id, event.person_id, event.occurred_at
                )
                for pair_id in await directory.open_pairs_of(event.program_id, event.person_id):
                    await self._close(ctx.conn, directory, pair_id, "participant_withdrew", event)

    async def _open(
        self, conn: asyncpg.Connection, directory: Directory, created: PairCreated
    ) -> None:
        facts = await directory.opening_facts(created.program_id, created.member_ids)
        if isinstance(facts, str):
            raise WaitFor(facts)
        state, version = (await load_workspaces(conn, [created.pair_id]))[created.pair_id]
        decided = open_workspace(state, created, facts.purpose, facts.timezones)
        await append_with_follow_ups(
            conn,
            self._store,
            state,
            version,
            decided,
            created.occurred_at,
            f"opened:{created.pair_id}",
        )
        await directory.index_workspace(created.pair_id, created.program_id, created.member_ids)
        if await directory.withdrawn(created.program_id, created.member_ids):
            # The withdrawal overtook the PairCreated it ends.
            await self._close(conn, directory, created.pair_id, "participant_withdrew", created)

    async def _close(
        self,
        conn: asyncpg.Connection,
        directory: Directory,
        pair_id: str,
        reason: Literal["pair_ended", "participant_withdrew"],
        cause: DomainEvent,
    ) -> bool:
        """Close the workspace; False when it has not opened yet."""
        for attempt in range(CLOSE_ATTEMPTS):
            state, version = (await load_workspaces(conn, [pair_id]))[pair_id]
            if not state.pair_id:
                return False
            decided = close_workspace(state, reason, cause.occurred_at)
            try:
                await append_with_follow_ups(
                    conn,
                    self._store,
                    state,
                    version,
                    decided,
                    cause.occurred_at,
                    f"closed:{pair_id}",
                )
            except ConcurrencyError:
                if attempt == CLOSE_ATTEMPTS - 1:
                    raise
                continue
            await directory.close_workspace(pair_id)
            return True
        return True
