"""Setting, progressing, completing and dropping goals (titles and notes sealed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from tandem_engagement.domain import goals
from tandem_engagement.handlers.context import Context, commit
from tandem_service.commands import Appended


@dataclass(frozen=True)
class SetGoal:
    """A member sets a goal for themselves or for both."""

    actor: str
    pair_id: str
    goal_id: str
    title: str
    why: str | None
    steps: tuple[str, ...]
    shared: bool
    target_date: date | None


@dataclass(frozen=True)
class MoveGoal:
    """A member records progress on a goal, completes it or drops it."""

    actor: str
    pair_id: str
    goal_id: str
    action: Literal["progress", "complete", "drop"]
    progress_percent: int = 0
    note: str | None = None


async def set_goal(ctx: Context, command: SetGoal) -> Appended:
    """Seal the words with the author's key and record the goal."""
    async with ctx.transaction() as tx:
        state, version = await tx.tables.load_workspace(command.pair_id)
        state.check_member(command.actor)
        title = goals.check_title(command.title)
        now = ctx.now()
        seal = tx.tables.seal
        events = goals.set_goal(
            state,
            goal_id=command.goal_id,
            sealed_title=await seal(command.actor, title),
            sealed_why=await seal(command.actor, command.why) if command.why else None,
            sealed_steps=tuple([await seal(command.actor, s) for s in command.steps if s.strip()]),
            shared=command.shared,
            target_date=command.target_date,
            actor=command.actor,
            now=now,
        )
        return await commit(tx, state, version, events, now)


async def move_goal(ctx: Context, command: MoveGoal) -> Appended:
    """Progress, complete or drop an open goal."""
    async with ctx.transaction() as tx:
        state, version = await tx.tables.load_workspace(command.pair_id)
        state.check_member(command.actor)
        now = ctx.now()
        if command.action == "complete":
            events = goals.complete(state, command.goal_id, actor=command.actor, now=now)
        elif command.action == "drop":
            events = goals.drop(state, command.goal_id, actor=command.actor, now=now)
        else:
            note = await tx.tables.seal(command.actor, command.note) if command.note else None
            events = goals.progress(
                state, command.goal_id, command.progress_percent, note, actor=command.actor, now=now
            )
        return await commit(tx, state, version, events, now)
