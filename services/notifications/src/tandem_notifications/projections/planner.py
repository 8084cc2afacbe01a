"""Turns matching's and engagement's events into scheduled deliveries (and cancellations).

It also keeps the little it needs to know about programs and pairs. Deliveries are keyed by
(cause event, recipient, kind), so a replay or a rebuild schedules nothing twice.
"""

from __future__ import annotations

from collections.abc import Sequence

from tandem_events.catalog.base import DomainEvent
from tandem_events.catalog.matching import (
    PairCreated,
    PairEnded,
    ParticipantEnrolled,
    ParticipantWithdrew,
    ProfileUpdated,
    ProgramClosed,
    ProgramLaunched,
)
from tandem_events.envelope import Envelope
from tandem_events.projection import ProjectionContext
from tandem_notifications.adapters.postgres import NewPair, PostgresContacts
from tandem_notifications.domain.planning import announcements, endings, introductions
from tandem_notifications.domain.planning.plan import Plan
from tandem_notifications.handlers.plans import record_plan
from tandem_notifications.projections.pair_events import PAIR_EVENTS, plan_pair_event


class Planner:
    """Who hears what and when, recorded in the delivery book."""

    name = "notifications_planner"
    topics: Sequence[str] = ("matching.events", "engagement.events")
    tables: Sequence[str] = ("pairs", "programs", "people")

    async def apply(self, ctx: ProjectionContext, event: DomainEvent, envelope: Envelope) -> None:
        """Record what ``event`` asks to be said, and cancel what it makes moot."""
        if isinstance(event, PairCreated):
            await self._record_created(ctx, [(event, envelope.id)])
            return
        plan = await self._plan(ctx, event, envelope.id)
        await record_plan(ctx.conn, plan, event.occurred_at, (), ctx.table("pairs"))

    async def apply_batch(
        self, ctx: ProjectionContext, items: Sequence[tuple[DomainEvent, Envelope]]
    ) -> None:
        """As ``apply`` one by one, but each run of ``PairCreated`` (a committed round) is one
        statement for all its pairs. An engagement event ahead of its pair raises ``WaitFor``
        here, and the runner then redoes the batch event by event, parking that one."""
        run: list[tuple[PairCreated, str]] = []
        for event, envelope in items:
            if isinstance(event, PairCreated):
                run.append((event, envelope.id))
                continue
            await self._record_created(ctx, run)
            run = []
            await self.apply(ctx, event, envelope)
        await self._record_created(ctx, run)

    async def _record_created(
        self, ctx: ProjectionContext, created: Sequence[tuple[PairCreated, str]]
    ) -> None:
        """New pairs' rows and what their creation plans, in one statement."""
        if not created:
            return
        plans = [introductions.on_pair_created(e, cause) for e, cause in created]
        planned = [p for plan in plans for p in plan.schedule]
        series = [s for plan in plans for s in plan.series]
        pairs = [NewPair(e.pair_id, e.program_id, tuple(e.member_ids)) for e, _ in created]
        await record_plan(
            ctx.conn,
            Plan(schedule=tuple(planned), series=tuple(series)),
            created[0][0].occurred_at,
            pairs,
            ctx.table("pairs"),
        )

    async def _plan(self, ctx: ProjectionContext, event: DomainEvent, cause: str) -> Plan:
        pairs, programs = ctx.table("pairs"), ctx.table("programs")
        if isinstance(event, ProgramLaunched):
            await ctx.conn.execute(
                f"INSERT INTO {programs} (program_id, name, purpose, owner_id)"
                " VALUES ($1, $2, $3, $4) ON CONFLICT (program_id) DO UPDATE"
                " SET name = excluded.name, purpose = excluded.purpose",
                event.program_id,
                event.name,
                event.purpose,
                event.actor_id,
            )
            return announcements.on_program_launched(event, cause)
        if isinstance(event, ProgramClosed):
            return announcements.on_program_closed(event.program_id)
        if isinstance(event, ParticipantEnrolled | ProfileUpdated):
            await ctx.conn.execute(
                f"INSERT INTO {ctx.table('people')} (person_id, timezone) VALUES ($1, $2)"
                " ON CONFLICT (person_id) DO UPDATE SET timezone = excluded.timezone",
                event.person_id,
                event.profile.timezone,
            )
            return Plan()
        if isinstance(event, PairEnded):
            cadence = await ctx.conn.fetchval(
                f"UPDATE {pairs} SET active = false WHERE pair_id = $1 RETURNING cadence",
                event.pair_id,
            )
            return endings.on_pair_ended(event, cause, cadence)
        if isinstance(event, ParticipantWithdrew):
            await PostgresContacts(ctx.conn).forget(event.person_id)
            rows = await ctx.conn.fetch(
                f"SELECT pair_id FROM {pairs} WHERE program_id = $1 AND $2 = ANY(member_ids)",
                event.program_id,
                event.person_id,
            )
            return endings.on_withdrew(event, [r[0] for r in rows])
        if isinstance(event, PAIR_EVENTS):
            return await plan_pair_event(ctx, event, cause)
        return Plan()
