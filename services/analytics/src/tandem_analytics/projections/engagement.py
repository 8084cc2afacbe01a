"""The engagement projection: check-ins, cadences, goals, feedback, pulses, milestones, health.

Engagement events are keyed by pair; the pair's program comes from the participation
projection and is joined in the views, so a check-in before its PairCreated needs no wait.
"""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from tandem_analytics.domain.pseudonyms import Pseudonyms
from tandem_analytics.projections.views import recreate_views
from tandem_events.catalog.base import DomainEvent
from tandem_events.catalog.engagement import (
    CadenceAgreed,
    CheckInLogged,
    FeedbackGiven,
    GoalCompleted,
    GoalSet,
    MilestoneReached,
    PairHealthChanged,
    PulseSubmitted,
)
from tandem_events.envelope import Envelope
from tandem_events.projection import ProjectionContext


class Engagement:
    """Feeds the engagement facts of every pair."""

    name = "engagement"
    topics: Sequence[str] = ("engagement.events",)
    tables: Sequence[str] = (
        "check_ins",
        "cadences",
        "goals",
        "feedback",
        "pulses",
        "milestones",
        "health_changes",
    )

    def __init__(self, pseudonyms: Pseudonyms) -> None:
        self._people = pseudonyms

    async def apply(self, ctx: ProjectionContext, event: DomainEvent, envelope: Envelope) -> None:
        """Record the fact ``event`` states (events of no interest here are skipped)."""
        sql, args = self._statement(ctx, event, envelope)
        if sql:
            await ctx.conn.execute(sql, *args)

    def _statement(
        self, ctx: ProjectionContext, event: DomainEvent, envelope: Envelope
    ) -> tuple[str, tuple[object, ...]]:
        match event:
            case CheckInLogged():
                return (
                    f"INSERT INTO {ctx.table('check_ins')} (check_in_id, pair_id, met_on, minutes)"
                    " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                    (event.check_in_id, event.pair_id, event.met_on, event.duration_minutes),
                )
            case CadenceAgreed():
                return (
                    f"INSERT INTO {ctx.table('cadences')} AS c (pair_id, every_days, agreed_at,"
                    " event_id) VALUES ($1, $2, $3, $4) ON CONFLICT (pair_id) DO UPDATE SET"
                    " every_days = EXCLUDED.every_days, agreed_at = EXCLUDED.agreed_at,"
                    " event_id = EXCLUDED.event_id"
                    " WHERE (EXCLUDED.agreed_at, EXCLUDED.event_id) > (c.agreed_at, c.event_id)",
                    (event.pair_id, event.every_days, event.occurred_at, envelope.id),
                )
            case GoalSet() | GoalCompleted():
                column = "set_at" if isinstance(event, GoalSet) else "completed_at"
                return (
                    f"INSERT INTO {ctx.table('goals')} AS g (goal_id, pair_id, {column})"
                    f" VALUES ($1, $2, $3) ON CONFLICT (goal_id) DO UPDATE SET"
                    f" {column} = LEAST(g.{column}, EXCLUDED.{column})",
                    (event.goal_id, event.pair_id, event.occurred_at),
                )
            case FeedbackGiven():
                return (
                    f"INSERT INTO {ctx.table('feedback')} (feedback_id, pair_id, given_at,"
                    " helpfulness) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                    (event.feedback_id, event.pair_id, event.occurred_at, event.helpfulness),
                )
            case PulseSubmitted():
                return (
                    f"INSERT INTO {ctx.table('pulses')} (event_id, pair_id, person, submitted_at,"
                    " energy, value, would_continue) VALUES ($1, $2, $3, $4, $5, $6, $7)"
                    " ON CONFLICT DO NOTHING",
                    (
                        envelope.id,
                        event.pair_id,
                        self._people.of(event.actor_id),
                        event.occurred_at,
                        event.energy,
                        event.value,
                        event.would_continue,
                    ),
                )
            case MilestoneReached():
                return (
                    f"INSERT INTO {ctx.table('milestones')} AS m (pair_id, milestone, reached_on)"
                    " VALUES ($1, $2, $3) ON CONFLICT (pair_id, milestone) DO UPDATE SET"
                    " reached_on = LEAST(m.reached_on, EXCLUDED.reached_on)",
                    (event.pair_id, event.milestone, event.reached_on),
                )
            case PairHealthChanged():
                return (
                    f"INSERT INTO {ctx.table('health_changes')} (event_id, pair_id, changed_at,"
                    " health) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                    (envelope.id, event.pair_id, event.occurred_at, event.current),
                )
        return "", ()

    async def recreate_views(self, conn: asyncpg.Connection) -> None:
        """After a rebuild swapped the tables in, point the analyst views at them."""
        await recreate_views(conn)
