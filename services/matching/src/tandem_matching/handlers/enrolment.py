"""Enrolment commands: opt in with a profile, update it, withdraw, ask for a rematch."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from tandem_events.catalog.base import DomainEvent
from tandem_events.catalog.matching import (
    ParticipantEnrolled,
    ParticipantProfile,
    ProfileUpdated,
)
from tandem_events.store import AppendResult
from tandem_matching.domain import participant as participants
from tandem_matching.domain.errors import NotFound
from tandem_matching.domain.participant import Participant, apply_participant, person_stream
from tandem_matching.domain.profile import Personality
from tandem_matching.handlers.context import CommandContext, retried
from tandem_matching.handlers.directory import person_entry
from tandem_matching.handlers.pairs import end_pairs
from tandem_matching.handlers.programs import load_program

_SAVE = """
INSERT INTO enrolments (program_id, person_id, status, profile, personality, work_start, work_end)
VALUES ($1, $2, 'enrolled', $3, $4, $5, $6)
ON CONFLICT (program_id, person_id) DO UPDATE SET status = 'enrolled', profile = $3,
    personality = $4, work_start = $5, work_end = $6, updated_at = now()
"""


@dataclass(frozen=True)
class PrivateAnswers:
    """What stays in this database only: personality answers and local working hours."""

    personality: Personality | None = None
    work_start: float = 9.0
    work_end: float = 17.0


async def load_participant(ctx: CommandContext, person_id: str) -> tuple[Participant, int]:
    """The person's enrolments and their stream version."""
    return await ctx.store.load(person_stream(person_id), Participant(person_id), apply_participant)


@retried
async def enrol(
    ctx: CommandContext,
    program_id: str,
    person_id: str,
    profile: ParticipantProfile,
    private: PrivateAnswers,
    key: str | None,
) -> AppendResult:
    """Opt in to an open program; the person must be in the directory and still here."""
    if done := await ctx.earlier(key):
        return done
    program, _ = await load_program(ctx, program_id)
    program.require_open()
    async with ctx.pool.acquire() as conn:
        person = await person_entry(conn, person_id)
    if person is None or person["departed_on"] is not None:
        raise NotFound(f"{person_id} is not in the people directory")
    state, version = await load_participant(ctx, person_id)
    events = participants.enrol(
        state,
        ParticipantEnrolled(
            occurred_at=ctx.now(),
            actor_id=person_id,
            program_id=program_id,
            person_id=person_id,
            level=person["level"],
            department=person["department"],
            profile=profile,
        ),
    )
    return await _record(ctx, program_id, person_id, version, events, profile, private, key)


async def _record(
    ctx: CommandContext,
    program_id: str,
    person_id: str,
    version: int,
    events: list[DomainEvent],
    profile: ParticipantProfile,
    private: PrivateAnswers,
    key: str | None,
) -> AppendResult:
    """Append the person's events and keep their private answers, in one transaction."""
    async with ctx.transaction() as conn:
        result = await ctx.append(
            conn, person_stream(person_id), version, events, key, primary=True
        )
        await _save(conn, program_id, person_id, profile, private)
        return result


@retried
async def update_profile(
    ctx: CommandContext,
    program_id: str,
    person_id: str,
    profile: ParticipantProfile,
    private: PrivateAnswers,
    key: str | None,
) -> AppendResult:
    """Replace the profile (and private answers) of a current enrolment."""
    if done := await ctx.earlier(key):
        return done
    state, version = await load_participant(ctx, person_id)
    events = participants.update_profile(
        state,
        ProfileUpdated(
            occurred_at=ctx.now(),
            actor_id=person_id,
            program_id=program_id,
            person_id=person_id,
            profile=profile,
        ),
    )
    return await _record(ctx, program_id, person_id, version, events, profile, private, key)


@retried
async def withdraw(
    ctx: CommandContext, program_id: str, person_id: str, reason: str, actor: str, key: str | None
) -> AppendResult:
    """Leave the program; the person's active pairs end with reason ``withdrawal``."""
    if done := await ctx.earlier(key):
        return done
    state, version = await load_participant(ctx, person_id)
    events = participants.withdraw(state, program_id, reason=reason, actor=actor, now=ctx.now())
    async with ctx.transaction() as conn:
        result = await ctx.append(
            conn, person_stream(person_id), version, events, key, primary=True
        )
        await conn.execute(
            "UPDATE enrolments SET status = 'withdrawn', rematch_requested = false,"
            " updated_at = now() WHERE program_id = $1 AND person_id = $2",
            program_id,
            person_id,
        )
        await end_pairs(ctx, conn, program_id, person_id, "withdrawal", actor, key)
        return result


async def _save(
    conn: asyncpg.Connection,
    program_id: str,
    person_id: str,
    profile: ParticipantProfile,
    private: PrivateAnswers,
) -> None:
    personality = list(private.personality.as_tuple()) if private.personality else None
    await conn.execute(
        _SAVE,
        program_id,
        person_id,
        profile.model_dump(mode="json"),
        personality,
        private.work_start,
        private.work_end,
    )
