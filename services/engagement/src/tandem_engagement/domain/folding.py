"""How each engagement event changes a workspace (the one place that folds events)."""

from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType

from tandem_engagement.domain.workspace import CadenceTerms, CheckIn, Goal, Proposal, Workspace
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

# Health looks at the latest few usefulness ratings only.
RATINGS_KEPT = 3


def milestone_key(kind: str, count: int | None) -> str:
    """The identity of a milestone, so that each is reached once."""
    return kind if count is None else f"{kind}:{count}"


def fold(state: Workspace, event: DomainEvent) -> Workspace:
    """Fold one event into the workspace; events of other kinds leave it unchanged."""
    match event:
        case WorkspaceOpened():
            return Workspace(
                pair_id=event.pair_id,
                program_id=event.program_id,
                member_ids=event.member_ids,
                purpose=event.purpose,
                timezones=MappingProxyType(dict(event.timezones)),
                opened_on=event.opened_on,
                opened_at=event.occurred_at,
            )
        case WorkspaceClosed():
            return replace(state, closed=True, proposal=None)
        case CadenceProposed():
            terms = CadenceTerms(
                event.every_days, event.meeting_minutes, event.time_of_day, event.weekday
            )
            proposal_id = event.proposal_id or f"{event.actor_id}@{event.occurred_at.isoformat()}"
            return replace(state, proposal=Proposal(proposal_id, event.actor_id, terms))
        case CadenceAgreed():
            terms = CadenceTerms(
                event.every_days,
                event.meeting_minutes,
                event.time_of_day or "any",
                event.weekday,
            )
            return replace(
                state, proposal=None, cadence=terms, cadence_agreed_on=event.occurred_at.date()
            )
        case GoalSet():
            goal = Goal(event.goal_id, event.owner_id, event.shared)
            return state.with_goal(goal)
        case GoalProgressed() if event.goal_id in state.goals:
            goal = replace(state.goals[event.goal_id], progress_percent=event.progress_percent)
            return state.with_goal(goal)
        case GoalCompleted() if event.goal_id in state.goals:
            return state.with_goal(
                replace(state.goals[event.goal_id], status="completed", progress_percent=100)
            )
        case GoalDropped() if event.goal_id in state.goals:
            return state.with_goal(replace(state.goals[event.goal_id], status="dropped"))
        case CheckInLogged():
            check_in = CheckIn(
                event.check_in_id, event.actor_id, event.met_on, event.asynchronous, event.felt
            )
            return replace(state, check_ins={**state.check_ins, event.check_in_id: check_in})
        case FeedbackGiven():
            given = state.feedback_given | {(event.check_in_id or "", event.actor_id)}
            ratings = (*state.usefulness, event.helpfulness)[-RATINGS_KEPT:]
            return replace(state, feedback_given=given, usefulness=ratings)
        case PulseSubmitted():
            return replace(state, stress={**state.stress, event.actor_id: event.stress})
        case MilestoneReached():
            key = milestone_key(event.milestone, event.count)
            return replace(state, milestones=state.milestones | {key})
        case PairHealthChanged():
            return replace(state, health=event.current)
    return state
