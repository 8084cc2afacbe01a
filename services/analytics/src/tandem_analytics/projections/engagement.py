"""The engagement projection: check-ins, cadences, goals, feedback, pulses, milestones, health.

Engagement events are keyed by pair; the pair's program comes from the participation
projection and is joined in the views, so a check-in before its PairCreated needs no wait.

A batch of events becomes one set-based statement per fact table (columns sent as arrays
and unnested), not one statement per event: the per-statement cost on the server, not the
round trips, is what bounds a catch-up. Rows that meet again in a batch are merged first
with the same rule the upsert applies, since one statement cannot update a row twice.
"""

from __future__ import annotations

from collections.abc import Sequence

from tandem_analytics.projections.rows import FactProjection, Rows
from tandem_analytics.projections.rules import Row, earliest_from, latest_by
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

# The latest agreement wins (by time, then event id); goals and milestones keep the earliest.
LATER_AGREEMENT = latest_by(2, 3)
EARLIEST_GOAL = earliest_from(2)
EARLIEST_MILESTONE = earliest_from(3)
TABLES = ("check_ins", "cadences", "goals", "feedback", "pulses", "milestones", "health_changes")

# Table -> the upsert of unnested columns ($1.. arrays, in the order of the Rows' columns).
WRITES: dict[str, str] = {
    "check_ins": "INSERT INTO {t} (check_in_id, pair_id, met_on, minutes)"
    " SELECT * FROM unnest($1::text[], $2::text[], $3::date[], $4::int[])"
    " ON CONFLICT DO NOTHING",
    # The latest agreement wins (by time, then event id), whatever order they arrive in.
    "cadences": "INSERT INTO {t} AS c (pair_id, every_days, agreed_at, event_id)"
    " SELECT * FROM unnest($1::text[], $2::int[], $3::timestamptz[], $4::text[])"
    " ON CONFLICT (pair_id) DO UPDATE SET every_days = EXCLUDED.every_days,"
    " agreed_at = EXCLUDED.agreed_at, event_id = EXCLUDED.event_id"
    " WHERE (EXCLUDED.agreed_at, EXCLUDED.event_id) > (c.agreed_at, c.event_id)",
    # LEAST ignores NULL: a GoalSet leaves completed_at alone and a GoalCompleted set_at.
    "goals": "INSERT INTO {t} AS g (goal_id, pair_id, set_at, completed_at)"
    " SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[])"
    " ON CONFLICT (goal_id) DO UPDATE SET set_at = LEAST(g.set_at, EXCLUDED.set_at),"
    " completed_at = LEAST(g.completed_at, EXCLUDED.completed_at)",
    "feedback": "INSERT INTO {t} (feedback_id, pair_id, given_at, helpfulness)"
    " SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::int[])"
    " ON CONFLICT DO NOTHING",
    "pulses": "INSERT INTO {t} (event_id, pair_id, person, submitted_at, stress, belonging,"
    " confidence) SELECT * FROM unnest($1::text[], $2::text[], $3::text[],"
    " $4::timestamptz[], $5::int[], $6::int[], $7::int[]) ON CONFLICT DO NOTHING",
    "milestones": "INSERT INTO {t} AS m (pair_id, milestone, count, reached_on)"
    " SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::date[])"
    " ON CONFLICT (pair_id, milestone, count) DO UPDATE"
    " SET reached_on = LEAST(m.reached_on, EXCLUDED.reached_on)",
    "health_changes": "INSERT INTO {t} (event_id, pair_id, changed_at, health)"
    " SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[])"
    " ON CONFLICT DO NOTHING",
}


class Engagement(FactProjection):
    """Feeds the engagement facts of every pair."""

    name = "engagement"
    topics: Sequence[str] = ("engagement.events",)
    tables: Sequence[str] = TABLES
    writes = WRITES

    def rows(self, items: Sequence[tuple[DomainEvent, Envelope]]) -> Rows:
        """The rows a batch adds, merged per key as the upserts would merge them."""
        rows = Rows()
        row: Row
        for event, envelope in items:
            at = event.occurred_at
            match event:
                case CheckInLogged():
                    row = (event.check_in_id, event.pair_id, event.met_on, event.duration_minutes)
                    rows.add("check_ins", row)
                case CadenceAgreed():
                    row = (event.pair_id, event.every_days, at, envelope.id)
                    rows.merge("cadences", event.pair_id, row, LATER_AGREEMENT)
                case GoalSet():
                    row = (event.goal_id, event.pair_id, at, None)
                    rows.merge("goals", event.goal_id, row, EARLIEST_GOAL)
                case GoalCompleted():
                    row = (event.goal_id, event.pair_id, None, at)
                    rows.merge("goals", event.goal_id, row, EARLIEST_GOAL)
                case FeedbackGiven():
                    row = (event.feedback_id, event.pair_id, at, event.helpfulness)
                    rows.add("feedback", row)
                case PulseSubmitted():
                    person = self._people.of(event.actor_id)
                    scores = (event.stress, event.belonging, event.confidence)
                    rows.add("pulses", (envelope.id, event.pair_id, person, at, *scores))
                case MilestoneReached():
                    key = (event.pair_id, event.milestone, event.count or 0)
                    rows.merge("milestones", key, (*key, event.reached_on), EARLIEST_MILESTONE)
                case PairHealthChanged():
                    row = (envelope.id, event.pair_id, at, event.current)
                    rows.add("health_changes", row)
        return rows
