"""The workspace read model: one row per pair with counts and dates, plus its content tables."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import orjson

from tandem_events.catalog.base import DomainEvent
from tandem_events.catalog.engagement import (
    CadenceAgreed,
    CadenceProposed,
    CheckInLogged,
    FeedbackGiven,
    GoalCompleted,
    GoalDropped,
    GoalProgressed,
    GoalSet,
    MilestoneReached,
    PairHealthChanged,
    PulseSubmitted,
    WorkspaceClosed,
    WorkspaceOpened,
)
from tandem_events.envelope import Envelope
from tandem_events.projection import ProjectionContext

TABLES = (
    "workspace_view",
    "check_in_view",
    "goal_view",
    "feedback_view",
    "milestone_view",
    "pulse_view",
)


# Every counter move is this one statement (zero for the counters an event leaves alone), so a
# batch's moves are one run of one statement: one round trip through the write-behind queue.
_COUNT = (
    "UPDATE {view} SET check_ins = check_ins + $2, last_check_in = GREATEST(last_check_in, $3), "
    "goals_open = goals_open + $4, goals_completed = goals_completed + $5, "
    "feedback_given = feedback_given + $6, milestones = milestones + $7 WHERE pair_id = $1"
)


def _moved(
    pair_id: str,
    *,
    check_ins: int = 0,
    met_on: date | None = None,
    goals_open: int = 0,
    goals_completed: int = 0,
    feedback: int = 0,
    milestones: int = 0,
) -> tuple[object, ...]:
    return (pair_id, check_ins, met_on, goals_open, goals_completed, feedback, milestones)


def _json(value: object) -> object:
    return orjson.loads(orjson.dumps(value))


class Workspaces:
    """Feeds the workspace tables from engagement.events (idempotent per event id)."""

    name = "engagement_workspaces"
    topics: Sequence[str] = ("engagement.events",)
    tables: Sequence[str] = TABLES

    async def apply(self, ctx: ProjectionContext, event: DomainEvent, envelope: Envelope) -> None:
        """Fold one event into the tables."""
        view = ctx.table("workspace_view")
        run = ctx.conn.execute
        count = _COUNT.format(view=view)
        match event:
            case WorkspaceOpened():
                await run(
                    f"INSERT INTO {view} (pair_id, program_id, member_ids, purpose, opened_at) "
                    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (pair_id) DO NOTHING",
                    event.pair_id,
                    event.program_id,
                    list(event.member_ids),
                    event.purpose,
                    event.occurred_at,
                )
            case WorkspaceClosed():
                await run(
                    f"UPDATE {view} SET closed_at = $2, proposal = NULL WHERE pair_id = $1",
                    event.pair_id,
                    event.occurred_at,
                )
            case CadenceProposed():
                proposal = {
                    "proposal_id": event.proposal_id,
                    "proposed_by": event.actor_id,
                    "every_days": event.every_days,
                    "meeting_minutes": event.meeting_minutes,
                    "time_of_day": event.time_of_day,
                    "weekday": event.weekday,
                    "counters": event.counters,
                }
                await run(
                    f"UPDATE {view} SET proposal = $2 WHERE pair_id = $1", event.pair_id, proposal
                )
            case CadenceAgreed():
                terms = {
                    "every_days": event.every_days,
                    "meeting_minutes": event.meeting_minutes,
                    "time_of_day": event.time_of_day,
                    "weekday": event.weekday,
                    "agreed_by": list(event.agreed_by),
                    "agreed_at": _json(event.occurred_at),
                }
                await run(
                    f"UPDATE {view} SET cadence = $2, proposal = NULL WHERE pair_id = $1",
                    event.pair_id,
                    terms,
                )
            case GoalSet():
                await run(
                    f"INSERT INTO {ctx.table('goal_view')} (pair_id, goal_id, owner_id, shared, "
                    "title, why, steps, target_date) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
                    "ON CONFLICT DO NOTHING",
                    event.pair_id,
                    event.goal_id,
                    event.owner_id,
                    event.shared,
                    event.title,
                    event.why,
                    list(event.steps),
                    event.target_date,
                )
                await run(count, *_moved(event.pair_id, goals_open=1))
            case GoalProgressed():
                await run(
                    f"UPDATE {ctx.table('goal_view')} SET progress_percent = $3 "
                    "WHERE pair_id = $1 AND goal_id = $2",
                    event.pair_id,
                    event.goal_id,
                    event.progress_percent,
                )
            case GoalCompleted() | GoalDropped():
                done = isinstance(event, GoalCompleted)
                await run(
                    f"UPDATE {ctx.table('goal_view')} SET status = $3, "
                    "progress_percent = CASE WHEN $4 THEN 100 ELSE progress_percent END "
                    "WHERE pair_id = $1 AND goal_id = $2",
                    event.pair_id,
                    event.goal_id,
                    "completed" if done else "dropped",
                    done,
                )
                await run(count, *_moved(event.pair_id, goals_open=-1, goals_completed=int(done)))
            case CheckInLogged():
                await run(
                    f"INSERT INTO {ctx.table('check_in_view')} (pair_id, check_in_id, author_id, "
                    "met_on, duration_minutes, mode, asynchronous, topics, felt, notes, "
                    "notes_shared) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
                    "ON CONFLICT DO NOTHING",
                    event.pair_id,
                    event.check_in_id,
                    event.actor_id,
                    event.met_on,
                    event.duration_minutes,
                    event.mode,
                    event.asynchronous,
                    list(event.topics),
                    event.felt,
                    event.notes,
                    event.notes_shared,
                )
                await run(count, *_moved(event.pair_id, check_ins=1, met_on=event.met_on))
            case FeedbackGiven():
                await run(
                    f"INSERT INTO {ctx.table('feedback_view')} (pair_id, feedback_id, check_in_id, "
                    "from_id, to_id, helpfulness, kind, text, given_at) "
                    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING",
                    event.pair_id,
                    event.feedback_id,
                    event.check_in_id,
                    event.actor_id,
                    event.to_person_id,
                    event.helpfulness,
                    event.kind,
                    event.text,
                    event.occurred_at,
                )
                await run(count, *_moved(event.pair_id, feedback=1))
            case PulseSubmitted():
                await run(
                    f"INSERT INTO {ctx.table('pulse_view')} (event_id, person_id, pair_id, "
                    "submitted_at, stress, belonging, confidence) "
                    "VALUES ($1, $2, $3, $4, $5, $6, $7) "
                    "ON CONFLICT DO NOTHING",
                    envelope.id,
                    event.actor_id,
                    event.pair_id,
                    event.occurred_at,
                    event.stress,
                    event.belonging,
                    event.confidence,
                )
            case MilestoneReached():
                await run(
                    f"INSERT INTO {ctx.table('milestone_view')} (pair_id, milestone, count, "
                    "reached_on) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                    event.pair_id,
                    event.milestone,
                    event.count or 0,
                    event.reached_on,
                )
                await run(count, *_moved(event.pair_id, milestones=1))
            case PairHealthChanged():
                await run(
                    f"UPDATE {view} SET health = $2, health_reasons = $3, health_since = $4 "
                    "WHERE pair_id = $1",
                    event.pair_id,
                    event.current,
                    list(event.reasons),
                    event.occurred_at,
                )
