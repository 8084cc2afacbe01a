"""Shared goals: set for oneself or for both, progressed, completed or dropped."""

from __future__ import annotations

from datetime import date, datetime

from tandem_engagement.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from tandem_engagement.domain.workspace import Goal, Workspace
from tandem_events.catalog.base import DomainEvent
from tandem_events.catalog.engagement import GoalCompleted, GoalDropped, GoalProgressed, GoalSet

TITLE_MAX = 200


def check_title(title: str) -> str:
    """A goal title has words in it (checked before it is sealed)."""
    title = title.strip()
    if not title:
        raise InvalidInput("a goal needs a title", field="title")
    if len(title) > TITLE_MAX:
        raise InvalidInput("a goal title is at most 200 characters", field="title")
    return title


def set_goal(
    state: Workspace,
    *,
    goal_id: str,
    sealed_title: str,
    sealed_why: str | None,
    sealed_steps: tuple[str, ...],
    shared: bool,
    target_date: date | None,
    actor: str,
    now: datetime,
) -> list[DomainEvent]:
    """Set a goal for the actor, or for both members when ``shared``."""
    state.check_member(actor)
    state.check_open()
    if goal_id in state.goals:
        raise Conflict("a goal with that id exists", field="goal_id")
    if target_date is not None and target_date < now.date():
        raise InvalidInput("the target date has passed", field="target_date")
    return [
        GoalSet(
            occurred_at=now,
            actor_id=actor,
            pair_id=state.pair_id,
            goal_id=goal_id,
            owner_id=actor,
            category="shared" if shared else "personal",
            title=sealed_title,
            target_date=target_date,
            shared=shared,
            why=sealed_why,
            steps=sealed_steps,
        )
    ]


def _open_goal(state: Workspace, goal_id: str, actor: str) -> Goal:
    state.check_member(actor)
    state.check_open()
    goal = state.goals.get(goal_id)
    if goal is None:
        raise NotFound("no such goal in this workspace", field="goal_id")
    if not goal.shared and goal.owner_id != actor:
        raise Forbidden("only its owner moves a personal goal")
    if goal.status != "open":
        raise Conflict(f"the goal is already {goal.status}", field="goal_id")
    return goal


def progress(
    state: Workspace,
    goal_id: str,
    percent: int,
    sealed_note: str | None,
    *,
    actor: str,
    now: datetime,
) -> list[DomainEvent]:
    """Record progress on an open goal (0-100 percent)."""
    _open_goal(state, goal_id, actor)
    if not 0 <= percent <= 100:
        raise InvalidInput("progress is 0 to 100 percent", field="progress_percent")
    return [
        GoalProgressed(
            occurred_at=now,
            actor_id=actor,
            pair_id=state.pair_id,
            goal_id=goal_id,
            progress_percent=percent,
            note=sealed_note,
        )
    ]


def complete(state: Workspace, goal_id: str, *, actor: str, now: datetime) -> list[DomainEvent]:
    """Mark an open goal reached."""
    _open_goal(state, goal_id, actor)
    return [GoalCompleted(occurred_at=now, actor_id=actor, pair_id=state.pair_id, goal_id=goal_id)]


def drop(state: Workspace, goal_id: str, *, actor: str, now: datetime) -> list[DomainEvent]:
    """Let an open goal go."""
    _open_goal(state, goal_id, actor)
    return [GoalDropped(occurred_at=now, actor_id=actor, pair_id=state.pair_id, goal_id=goal_id)]
