"""The engagement projection: check-ins, cadences, goals, feedback, pulses, milestones, health.

Engagement events are keyed by pair; the pair's program comes from the participation
projection and is joined in the views, so a check-in before its PairCreated needs no wait.

Every event runs the same statement (one writable CTE per fact table, each guarded by the
event's kind): the runner sends runs of an identical statement in one round trip, so a
batch of mixed events costs one round trip instead of one per change of event type.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

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

TABLES = ("check_ins", "cadences", "goals", "feedback", "pulses", "milestones", "health_changes")
# One fact: kind, pair, id, time, two numbers, a flag, a day, a label.
Fact = tuple[str, str, str, datetime, int | None, int | None, int | None, date | None, str | None]

STATEMENT = """
WITH e AS (
    SELECT $1::text AS kind, $2::text AS pair_id, $3::text AS id, $4::timestamptz AS at,
           $5::int AS n1, $6::int AS n2, $7::int AS n3, $8::date AS day, $9::text AS label
), check_in AS (
    INSERT INTO {check_ins} (check_in_id, pair_id, met_on, minutes)
    SELECT id, pair_id, day, n1 FROM e WHERE kind = 'check_in' ON CONFLICT DO NOTHING
), cadence AS (
    INSERT INTO {cadences} AS c (pair_id, every_days, agreed_at, event_id)
    SELECT pair_id, n1, at, id FROM e WHERE kind = 'cadence'
    ON CONFLICT (pair_id) DO UPDATE SET every_days = EXCLUDED.every_days,
        agreed_at = EXCLUDED.agreed_at, event_id = EXCLUDED.event_id
    WHERE (EXCLUDED.agreed_at, EXCLUDED.event_id) > (c.agreed_at, c.event_id)
), goal_set AS (
    INSERT INTO {goals} AS g (goal_id, pair_id, set_at)
    SELECT id, pair_id, at FROM e WHERE kind = 'goal_set'
    ON CONFLICT (goal_id) DO UPDATE SET set_at = LEAST(g.set_at, EXCLUDED.set_at)
), goal_completed AS (
    INSERT INTO {goals} AS g (goal_id, pair_id, completed_at)
    SELECT id, pair_id, at FROM e WHERE kind = 'goal_completed'
    ON CONFLICT (goal_id) DO UPDATE SET completed_at = LEAST(g.completed_at, EXCLUDED.completed_at)
), feedback AS (
    INSERT INTO {feedback} (feedback_id, pair_id, given_at, helpfulness)
    SELECT id, pair_id, at, n1 FROM e WHERE kind = 'feedback' ON CONFLICT DO NOTHING
), pulse AS (
    INSERT INTO {pulses} (event_id, pair_id, person, submitted_at, stress, belonging, confidence)
    SELECT id, pair_id, label, at, n1, n2, n3 FROM e WHERE kind = 'pulse'
    ON CONFLICT DO NOTHING
), milestone AS (
    INSERT INTO {milestones} AS m (pair_id, milestone, count, reached_on)
    SELECT pair_id, label, coalesce(n1, 0), day FROM e WHERE kind = 'milestone'
    ON CONFLICT (pair_id, milestone, count) DO UPDATE
        SET reached_on = LEAST(m.reached_on, EXCLUDED.reached_on)
), health AS (
    INSERT INTO {health_changes} (event_id, pair_id, changed_at, health)
    SELECT id, pair_id, at, label FROM e WHERE kind = 'health' ON CONFLICT DO NOTHING
)
SELECT 1
"""


class Engagement:
    """Feeds the engagement facts of every pair."""

    name = "engagement"
    topics: Sequence[str] = ("engagement.events",)
    tables: Sequence[str] = TABLES

    def __init__(self, pseudonyms: Pseudonyms) -> None:
        self._people = pseudonyms
        self._statements: dict[tuple[str, ...], str] = {}

    async def apply(self, ctx: ProjectionContext, event: DomainEvent, envelope: Envelope) -> None:
        """Record the fact ``event`` states (events of no interest here are skipped)."""
        fact = self._fact(event, envelope)
        if fact is not None:
            await ctx.conn.execute(self._statement(ctx), *fact)

    def _statement(self, ctx: ProjectionContext) -> str:
        names = tuple(ctx.table(t) for t in TABLES)
        if names not in self._statements:
            self._statements[names] = STATEMENT.format(**dict(zip(TABLES, names, strict=True)))
        return self._statements[names]

    def _fact(self, event: DomainEvent, envelope: Envelope) -> Fact | None:
        at = event.occurred_at
        match event:
            case CheckInLogged():
                return ("check_in", event.pair_id, event.check_in_id, at,
                        event.duration_minutes, None, None, event.met_on, None)  # fmt: skip
            case CadenceAgreed():
                return ("cadence", event.pair_id, envelope.id, at,
                        event.every_days, None, None, None, None)  # fmt: skip
            case GoalSet():
                return ("goal_set", event.pair_id, event.goal_id, at,
                        None, None, None, None, None)  # fmt: skip
            case GoalCompleted():
                return ("goal_completed", event.pair_id, event.goal_id, at,
                        None, None, None, None, None)  # fmt: skip
            case FeedbackGiven():
                return ("feedback", event.pair_id, event.feedback_id, at,
                        event.helpfulness, None, None, None, None)  # fmt: skip
            case PulseSubmitted():
                return ("pulse", event.pair_id, envelope.id, at, event.stress, event.belonging,
                        event.confidence, None, self._people.of(event.actor_id))  # fmt: skip
            case MilestoneReached():
                return ("milestone", event.pair_id, envelope.id, at,
                        event.count, None, None, event.reached_on, event.milestone)  # fmt: skip
            case PairHealthChanged():
                return ("health", event.pair_id, envelope.id, at,
                        None, None, None, None, event.current)  # fmt: skip
        return None

    async def recreate_views(self, conn: asyncpg.Connection) -> None:
        """After a rebuild swapped the tables in, point the analyst views at them."""
        await recreate_views(conn)
