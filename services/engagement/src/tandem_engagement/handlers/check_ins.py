"""Logging check-ins, giving feedback on them, and submitting a pulse."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from tandem_engagement.domain import checkins, pulse
from tandem_engagement.domain.checkins import CheckInDraft
from tandem_engagement.handlers.context import Context, commit
from tandem_service.commands import Appended


@dataclass(frozen=True)
class LogCheckIn:
    """A member logs a meeting or an asynchronous check-in; ``notes`` are still plain here."""

    actor: str
    pair_id: str
    draft: CheckInDraft
    notes: str | None


@dataclass(frozen=True)
class GiveFeedback:
    """A member gives a partner feedback on a check-in."""

    actor: str
    pair_id: str
    feedback_id: str
    check_in_id: str
    to_person_id: str | None
    helpfulness: int
    kind: Literal["appreciation", "suggestion"]
    text: str | None


@dataclass(frozen=True)
class SubmitPulse:
    """A member's private pulse."""

    actor: str
    pair_id: str
    stress: int
    belonging: int
    confidence: int


async def log_check_in(ctx: Context, command: LogCheckIn) -> Appended:
    """Seal the notes with the author's key and log the check-in."""
    async with ctx.transaction() as tx:
        state, version = await tx.tables.load_workspace(command.pair_id)
        state.check_member(command.actor)
        now = ctx.now()
        notes = command.notes.strip() if command.notes else ""
        sealed = await tx.tables.seal(command.actor, notes) if notes else None
        draft = replace(command.draft, sealed_notes=sealed)
        events = checkins.log_check_in(state, draft, actor=command.actor, now=now)
        return await commit(tx, state, version, events, now)


async def give_feedback(ctx: Context, command: GiveFeedback) -> Appended:
    """Seal the words with the giver's key and record the feedback."""
    async with ctx.transaction() as tx:
        state, version = await tx.tables.load_workspace(command.pair_id)
        state.check_member(command.actor)
        partners = state.partner_of(command.actor)
        recipient = command.to_person_id or (partners[0] if len(partners) == 1 else "")
        now = ctx.now()
        text = command.text.strip() if command.text else ""
        events = checkins.give_feedback(
            state,
            feedback_id=command.feedback_id,
            check_in_id=command.check_in_id,
            to_person_id=recipient,
            helpfulness=command.helpfulness,
            kind=command.kind,
            sealed_text=await tx.tables.seal(command.actor, text) if text else None,
            actor=command.actor,
            now=now,
        )
        return await commit(tx, state, version, events, now)


async def submit_pulse(ctx: Context, command: SubmitPulse) -> Appended:
    """Record the pulse (health may move on a strained one)."""
    async with ctx.transaction() as tx:
        state, version = await tx.tables.load_workspace(command.pair_id)
        now = ctx.now()
        events = pulse.submit_pulse(
            state,
            stress=command.stress,
            belonging=command.belonging,
            confidence=command.confidence,
            actor=command.actor,
            now=now,
        )
        return await commit(tx, state, version, events, now)
