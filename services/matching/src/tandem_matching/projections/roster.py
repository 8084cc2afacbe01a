"""Read model of each program's roster: who enrolled, with the shareable profile."""

from __future__ import annotations

from collections.abc import Sequence

from tandem_events.catalog.base import DomainEvent
from tandem_events.catalog.matching import (
    PairCreated,
    ParticipantEnrolled,
    ParticipantWithdrew,
    ProfileUpdated,
    RematchRequested,
)
from tandem_events.envelope import Envelope
from tandem_events.projection import ProjectionContext, WaitFor


class Roster:
    """``roster_view``: one row per (program, person); never any personality answer."""

    name = "matching_roster"
    topics: Sequence[str] = ("matching.events",)
    tables: Sequence[str] = ("roster_view",)

    async def apply(self, ctx: ProjectionContext, event: DomainEvent, envelope: Envelope) -> None:
        """Fold one event into the roster."""
        roster = ctx.table("roster_view")
        if isinstance(event, ParticipantEnrolled):
            await ctx.conn.execute(
                f"INSERT INTO {roster} (program_id, person_id, status, level, department,"
                " profile, enrolled_at) VALUES ($1, $2, 'enrolled', $3, $4, $5, $6)"
                " ON CONFLICT (program_id, person_id) DO UPDATE SET status = 'enrolled',"
                " level = $3, department = $4, profile = $5, enrolled_at = $6,"
                " withdrawn_at = NULL",
                event.program_id,
                event.person_id,
                event.level,
                event.department,
                event.profile.model_dump(mode="json"),
                event.occurred_at,
            )
        elif isinstance(event, ProfileUpdated):
            await self._require(
                ctx,
                f"UPDATE {roster} SET profile = $3",
                event,
                event.profile.model_dump(mode="json"),
            )
        elif isinstance(event, ParticipantWithdrew):
            await self._require(
                ctx,
                f"UPDATE {roster} SET status = 'withdrawn', withdrawn_at = $3",
                event,
                event.occurred_at,
            )
        elif isinstance(event, RematchRequested):
            # Requests arrive in order per person, but keep the newest reason whatever the order.
            await self._require(
                ctx,
                f"UPDATE {roster} SET rematch_requested_at = greatest(rematch_requested_at, $3),"
                " rematch_reason = CASE WHEN rematch_requested_at IS NULL"
                " OR $3 >= rematch_requested_at THEN $4 ELSE rematch_reason END",
                event,
                event.occurred_at,
                event.reason,
            )
        elif isinstance(event, PairCreated):
            # Keyed by pair, so it may come before the members' own events (another partition):
            # then it waits for them, or a rebuild would lose the date a live run kept.
            found = await ctx.conn.fetch(
                f"UPDATE {roster} SET last_paired_at = greatest(last_paired_at, $3)"
                " WHERE program_id = $1 AND person_id = ANY($2::text[]) RETURNING person_id",
                event.program_id,
                list(event.member_ids),
                event.occurred_at,
            )
            missing = sorted(set(event.member_ids) - {r["person_id"] for r in found})
            if missing:
                raise WaitFor(f"ParticipantEnrolled {missing[0]} in {event.program_id}", missing[0])

    async def _require(
        self,
        ctx: ProjectionContext,
        update: str,
        event: ProfileUpdated | ParticipantWithdrew | RematchRequested,
        *values: object,
    ) -> None:
        found = await ctx.conn.fetchval(
            f"{update} WHERE program_id = $1 AND person_id = $2 RETURNING 1",
            event.program_id,
            event.person_id,
            *values,
        )
        if found is None:
            raise WaitFor(f"ParticipantEnrolled {event.person_id} in {event.program_id}")
