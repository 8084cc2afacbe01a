"""The participation projection: programs, enrolments, rounds and pairs from matching's events.

Each event becomes one idempotent upsert of a fact, so arrival order and redelivery do not
change the rows; the figures are computed by the analyst views over these facts.
"""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from tandem_analytics.domain.categories import location_of, unmatched_reason
from tandem_analytics.domain.pseudonyms import Pseudonyms
from tandem_analytics.projections.views import recreate_views
from tandem_events.catalog.base import DomainEvent
from tandem_events.catalog.matching import (
    MatchRoundCompleted,
    PairCreated,
    PairEnded,
    ParticipantEnrolled,
    ParticipantWithdrew,
    ProgramClosed,
    ProgramLaunched,
)
from tandem_events.envelope import Envelope
from tandem_events.projection import ProjectionContext


class Participation:
    """Feeds programs, enrolments, withdrawals, unmatched people and pairs."""

    name = "participation"
    topics: Sequence[str] = ("matching.events",)
    tables: Sequence[str] = ("programs", "enrolments", "withdrawals", "unmatched", "pairs")

    def __init__(self, pseudonyms: Pseudonyms) -> None:
        self._people = pseudonyms

    async def apply(self, ctx: ProjectionContext, event: DomainEvent, envelope: Envelope) -> None:
        """Record the fact ``event`` states (events of no interest here are skipped)."""
        if isinstance(event, PairCreated):
            await ctx.conn.execute(
                f"INSERT INTO {ctx.table('pairs')} AS p (pair_id, program_id, members, created_at)"
                " VALUES ($1, $2, $3, $4) ON CONFLICT (pair_id) DO UPDATE SET"
                " created_at = LEAST(p.created_at, EXCLUDED.created_at)",
                event.pair_id,
                event.program_id,
                self._people.of_all(event.member_ids),
                event.occurred_at,
            )
        elif isinstance(event, PairEnded):
            await self._pair_ended(ctx, event)
        elif isinstance(event, ParticipantEnrolled):
            await ctx.conn.execute(
                f"INSERT INTO {ctx.table('enrolments')} (event_id, program_id, person, enrolled_at,"
                " department, level, location) VALUES ($1, $2, $3, $4, $5, $6, $7)"
                " ON CONFLICT DO NOTHING",
                envelope.id,
                event.program_id,
                self._people.of(event.person_id),
                event.occurred_at,
                event.department or "unknown",
                event.level,
                location_of(event.profile.timezone),
            )
        elif isinstance(event, ParticipantWithdrew):
            await ctx.conn.execute(
                f"INSERT INTO {ctx.table('withdrawals')} (event_id, program_id, person,"
                " withdrawn_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                envelope.id,
                event.program_id,
                self._people.of(event.person_id),
                event.occurred_at,
            )
        elif isinstance(event, MatchRoundCompleted):
            await self._round_completed(ctx, event)
        elif isinstance(event, ProgramLaunched | ProgramClosed):
            await self._program(ctx, event)

    async def _pair_ended(self, ctx: ProjectionContext, event: PairEnded) -> None:
        # The earliest end wins, so two ends in either order leave the same row.
        await ctx.conn.execute(
            f"INSERT INTO {ctx.table('pairs')} AS p (pair_id, program_id, members, ended_at,"
            " end_reason) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (pair_id) DO UPDATE SET"
            " ended_at = LEAST(p.ended_at, EXCLUDED.ended_at),"
            " end_reason = CASE WHEN p.ended_at IS NULL OR EXCLUDED.ended_at < p.ended_at"
            " THEN EXCLUDED.end_reason ELSE p.end_reason END",
            event.pair_id,
            event.program_id,
            self._people.of_all(event.member_ids),
            event.occurred_at,
            event.reason,
        )

    async def _round_completed(self, ctx: ProjectionContext, event: MatchRoundCompleted) -> None:
        if not event.unmatched:
            return
        people = list(event.unmatched)
        await ctx.conn.execute(
            f"INSERT INTO {ctx.table('unmatched')} (round_id, person, program_id, reason,"
            " completed_at) SELECT $1, unnest($2::text[]), $3, unnest($4::text[]), $5"
            " ON CONFLICT DO NOTHING",
            event.round_id,
            self._people.of_all(people),
            event.program_id,
            [unmatched_reason(event.unmatched[p]) for p in people],
            event.occurred_at,
        )

    async def _program(
        self, ctx: ProjectionContext, event: ProgramLaunched | ProgramClosed
    ) -> None:
        if isinstance(event, ProgramLaunched):
            await ctx.conn.execute(
                f"INSERT INTO {ctx.table('programs')} AS p (program_id, name, owner, launched_at)"
                " VALUES ($1, $2, $3, $4) ON CONFLICT (program_id) DO UPDATE SET"
                " name = EXCLUDED.name, owner = EXCLUDED.owner,"
                " launched_at = EXCLUDED.launched_at",
                event.program_id,
                event.name,
                self._people.of(event.actor_id),
                event.occurred_at,
            )
        else:
            await ctx.conn.execute(
                f"INSERT INTO {ctx.table('programs')} AS p (program_id, closed_at)"
                " VALUES ($1, $2) ON CONFLICT (program_id) DO UPDATE SET"
                " closed_at = LEAST(p.closed_at, EXCLUDED.closed_at)",
                event.program_id,
                event.occurred_at,
            )

    async def recreate_views(self, conn: asyncpg.Connection) -> None:
        """After a rebuild swapped the tables in, point the analyst views at them."""
        await recreate_views(conn)
