"""How each engagement event changes a workspace (the one place that folds events).

A stream folds into one set of fields and builds the workspace once at the end: sweeps
fold many thousand streams, and building a frozen dataclass per event dominated their time.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import MappingProxyType
from typing import Any

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
    PulseInvited,
    PulseSubmitted,
    WorkspaceClosed,
    WorkspaceOpened,
)

# Health looks at the latest few usefulness ratings only.
RATINGS_KEPT = 3
# A new workspace's fields (every default is immutable or replaced, never changed in place).
_BLANK = dict(vars(Workspace()))


def milestone_key(kind: str, count: int | None) -> str:
    """The identity of a milestone, so that each is reached once."""
    return kind if count is None else f"{kind}:{count}"


def fold(state: Workspace, event: DomainEvent) -> Workspace:
    """Fold one event into the workspace; events of other kinds leave it unchanged."""
    return fold_all(state, (event,))


def fold_all(state: Workspace, events: Iterable[DomainEvent]) -> Workspace:
    """Fold a run of events into the workspace."""
    values = dict(vars(state))
    changed = False
    for event in events:
        changed = _change(values, event) or changed
    return Workspace.of(values) if changed else state


def _goal(values: dict[str, Any], goal_id: str, **changes: Any) -> bool:
    goal: Goal | None = values["goals"].get(goal_id)
    if goal is None:
        return False
    values["goals"] = {**values["goals"], goal_id: Goal(**{**goal.__dict__, **changes})}
    return True


def _change(values: dict[str, Any], event: DomainEvent) -> bool:
    match event:
        case WorkspaceOpened():
            values.update(_BLANK)
            values.update(
                pair_id=event.pair_id,
                program_id=event.program_id,
                member_ids=event.member_ids,
                purpose=event.purpose,
                timezones=MappingProxyType(dict(event.timezones)),
                opened_on=event.opened_on,
                opened_at=event.occurred_at,
            )
        case WorkspaceClosed():
            values.update(closed=True, proposal=None)
        case CadenceProposed():
            terms = CadenceTerms(
                event.every_days, event.meeting_minutes, event.time_of_day, event.weekday
            )
            proposal_id = event.proposal_id or f"{event.actor_id}@{event.occurred_at.isoformat()}"
            values["proposal"] = Proposal(proposal_id, event.actor_id, terms)
        case CadenceAgreed():
            values.update(
                proposal=None,
                cadence=CadenceTerms(
                    event.every_days,
                    event.meeting_minutes,
                    event.time_of_day or "any",
                    event.weekday,
                ),
                cadence_agreed_on=event.occurred_at.date(),
            )
        case GoalSet():
            goal = Goal(event.goal_id, event.owner_id, event.shared)
            values["goals"] = {**values["goals"], event.goal_id: goal}
        case GoalProgressed():
            return _goal(values, event.goal_id, progress_percent=event.progress_percent)
        case GoalCompleted():
            return _goal(values, event.goal_id, status="completed", progress_percent=100)
        case GoalDropped():
            return _goal(values, event.goal_id, status="dropped")
        case CheckInLogged():
            check_in = CheckIn(
                event.check_in_id, event.actor_id, event.met_on, event.asynchronous, event.felt
            )
            values["check_ins"] = {**values["check_ins"], event.check_in_id: check_in}
        case FeedbackGiven():
            values["feedback_given"] = values["feedback_given"] | {
                (event.check_in_id or "", event.actor_id)
            }
            values["usefulness"] = (*values["usefulness"], event.helpfulness)[-RATINGS_KEPT:]
        case PulseSubmitted():
            values["stress"] = {**values["stress"], event.actor_id: event.stress}
        case PulseInvited():
            values["pulse_invitations"] = max(values["pulse_invitations"], event.round)
        case MilestoneReached():
            key = milestone_key(event.milestone, event.count)
            values["milestones"] = values["milestones"] | {key}
        case PairHealthChanged():
            values["health"] = event.current
        case _:
            return False
    return True
