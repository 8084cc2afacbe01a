"""Read models of programs and their match history."""

from __future__ import annotations

from collections.abc import Sequence

from tandem_events.catalog.base import DomainEvent
from tandem_events.catalog.matching import (
    MatchRoundCompleted,
    ParticipantLeftUnmatched,
    ProgramClosed,
    ProgramEnrolmentOpened,
    ProgramLaunched,
    ProgramStarted,
    ProgramUpdated,
)
from tandem_events.envelope import Envelope
from tandem_events.projection import ProjectionContext, WaitFor


class ProgramCatalog:
    """``program_view`` (one row per program), ``round_view`` (its committed rounds, in counts)
    and ``round_unmatched_view`` (who each round left unmatched, and why)."""

    name = "matching_programs"
    topics: Sequence[str] = ("matching.events",)
    tables: Sequence[str] = ("program_view", "round_view", "round_unmatched_view")

    async def apply(self, ctx: ProjectionContext, event: DomainEvent, envelope: Envelope) -> None:
        """Fold one event into the program read models."""
        programs, rounds = ctx.table("program_view"), ctx.table("round_view")
        if isinstance(event, ProgramLaunched):
            await ctx.conn.execute(
                f"INSERT INTO {programs} (program_id, name, purpose, description, status,"
                " starts_on, ends_on, suggested_cadence_days, policy, goal_vocabulary, launched_at)"
                " VALUES ($1, $2, $3, $4, $11, $5, $6, $7, $8, $9, $10)"
                " ON CONFLICT (program_id) DO NOTHING",
                event.program_id,
                event.name,
                event.purpose,
                event.description,
                event.starts_on,
                event.ends_on,
                event.suggested_cadence_days,
                event.policy.model_dump(mode="json"),
                list(event.goal_vocabulary),
                event.occurred_at,
                "draft" if event.draft else "launched",
            )
        elif isinstance(event, ProgramEnrolmentOpened | ProgramStarted):
            status = "enrolling" if isinstance(event, ProgramEnrolmentOpened) else "running"
            await self._require(
                ctx,
                f"UPDATE {programs} SET status = $2 WHERE program_id = $1 RETURNING 1",
                event.program_id,
                status,
            )
        elif isinstance(event, ProgramUpdated):
            policy = event.policy.model_dump(mode="json") if event.policy else None
            await self._require(
                ctx,
                f"UPDATE {programs} SET description ="
                " coalesce($2, description), ends_on = coalesce($3, ends_on),"
                " suggested_cadence_days = coalesce($4, suggested_cadence_days),"
                " policy = coalesce($5, policy) WHERE program_id = $1 RETURNING 1",
                event.program_id,
                event.description,
                event.ends_on,
                event.suggested_cadence_days,
                policy,
            )
        elif isinstance(event, ProgramClosed):
            await self._require(
                ctx,
                f"UPDATE {programs} SET status = 'closed', closed_at = $2"
                " WHERE program_id = $1 RETURNING 1",
                event.program_id,
                event.occurred_at,
            )
        elif isinstance(event, MatchRoundCompleted):
            await ctx.conn.execute(
                f"INSERT INTO {rounds} (round_id, program_id, pairs, triads, people_matched,"
                " unmatched_by_reason, total_score, exact, completed_at)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (round_id) DO NOTHING",
                event.round_id,
                event.program_id,
                event.pairs,
                event.triads,
                event.people_matched,
                dict(event.unmatched),
                event.total_score,
                event.exact,
                event.occurred_at,
            )
            await ctx.conn.execute(
                f"UPDATE {programs} SET rounds = (SELECT count(*) FROM {rounds}"
                " WHERE program_id = $1) WHERE program_id = $1",
                event.program_id,
            )
        elif isinstance(event, ParticipantLeftUnmatched):
            # Keyed by person, so it may come before its round's row: a table of its own.
            await ctx.conn.execute(
                f"INSERT INTO {ctx.table('round_unmatched_view')} (round_id, program_id,"
                " person_id, reason) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                event.round_id,
                event.program_id,
                event.person_id,
                event.reason,
            )

    async def _require(
        self, ctx: ProjectionContext, sql: str, program_id: str, *args: object
    ) -> None:
        if await ctx.conn.fetchval(sql, program_id, *args) is None:
            raise WaitFor(f"ProgramLaunched {program_id}")
