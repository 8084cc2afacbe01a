"""Enrolment commands: opt in with a profile, update it, withdraw."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tandem_events.catalog.base import DomainEvent
from tandem_events.catalog.matching import (
    ParticipantEnrolled,
    ParticipantProfile,
    ProfileUpdated,
    TimeOfDay,
)
from tandem_matching.domain import participant as participants
from tandem_matching.domain.errors import Conflict, NotFound
from tandem_matching.domain.participant import Participant, apply_participant, person_stream
from tandem_matching.domain.profile import Personality
from tandem_matching.handlers.context import Context, Tx
from tandem_matching.handlers.pairs import end_pairs
from tandem_matching.handlers.programs import load_program
from tandem_matching.handlers.tables import DirectoryEntry, PrivateAnswers
from tandem_service.commands import Appended
from tandem_service.errors import Invalid

MeetingStyle = Literal["sync", "async", "either"]


@dataclass(frozen=True)
class Answers:
    """What a participant tells the matcher about themselves."""

    skills_offered: tuple[str, ...] = ()
    skills_sought: tuple[str, ...] = ()
    goals: tuple[str, ...] = ()
    free_tags: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    timezone: str | None = None
    meeting_style: MeetingStyle = "either"
    meeting_minutes: int = 30
    every_days: int = 14
    time_of_day: TimeOfDay = "any"
    personality: Personality | None = None
    work_start: float = 9.0
    work_end: float = 17.0


@dataclass(frozen=True)
class EnrolParticipant:
    """Opt in to an open program with a profile (``actor``: an admin enrolling on their behalf)."""

    program_id: str
    person_id: str
    answers: Answers
    actor: str | None = None


@dataclass(frozen=True)
class UpdateProfile:
    """Replace the profile of a current enrolment."""

    program_id: str
    person_id: str
    answers: Answers


@dataclass(frozen=True)
class Withdraw:
    """Leave a program; the person's active pairs end."""

    program_id: str
    person_id: str
    reason: str
    actor: str


async def load_participant(ctx: Context, person_id: str) -> tuple[Participant, int]:
    """The person's enrolments and their stream version."""
    return await ctx.load(person_stream(person_id), Participant(person_id), apply_participant)


async def enrol(ctx: Context, command: EnrolParticipant) -> Appended:
    """Opt in while enrolment is open; the person must be in the directory and still here."""
    program, _ = await load_program(ctx, command.program_id)
    program.check_enrolment_open(ctx.now().date())
    async with ctx.transaction() as tx:
        person = await tx.tables.person(command.person_id)
        profile = await _profile(ctx, command.program_id, command.answers, person)
        if person is None:
            raise NotFound(f"{command.person_id} is not in the people directory")
        if person.departed_on is not None:
            raise Conflict(
                f"{command.person_id} left the organisation on {person.departed_on}",
                departed_on=str(person.departed_on),
            )
        state, version = await load_participant(ctx, command.person_id)
        enrolled = ParticipantEnrolled(
            occurred_at=ctx.now(),
            actor_id=command.actor or command.person_id,
            program_id=command.program_id,
            person_id=command.person_id,
            level=person.level,
            department=person.department,
            profile=profile,
        )
        events = participants.enrol(state, enrolled)
        return await _record(tx, command, version, events, profile)


async def update_profile(ctx: Context, command: UpdateProfile) -> Appended:
    """Replace the profile (and private answers) of a current enrolment."""
    async with ctx.transaction() as tx:
        person = await tx.tables.person(command.person_id)
        profile = await _profile(ctx, command.program_id, command.answers, person)
        state, version = await load_participant(ctx, command.person_id)
        updated = ProfileUpdated(
            occurred_at=ctx.now(),
            actor_id=command.person_id,
            program_id=command.program_id,
            person_id=command.person_id,
            profile=profile,
        )
        events = participants.update_profile(state, updated)
        return await _record(tx, command, version, events, profile)


async def withdraw(ctx: Context, command: Withdraw) -> Appended:
    """Leave the program; the person's active pairs end with reason ``withdrawal``."""
    state, version = await load_participant(ctx, command.person_id)
    events = participants.withdraw(
        state, command.program_id, reason=command.reason, actor=command.actor, now=ctx.now()
    )
    async with ctx.transaction() as tx:
        result = await tx.append(person_stream(command.person_id), version, events)
        await tx.tables.withdraw_enrolment(command.program_id, command.person_id)
        await end_pairs(ctx, tx, command.program_id, command.person_id, "withdrawal", command.actor)
        return result


async def _profile(
    ctx: Context, program_id: str, answers: Answers, person: DirectoryEntry | None
) -> ParticipantProfile:
    """Check goals against the program's vocabulary; fill defaults from the directory."""
    program, _ = await load_program(ctx, program_id)
    program.require_open()
    vocabulary = set(program.goal_vocabulary)
    goals = [" ".join(g.split()).lower() for g in answers.goals]
    for position, goal in enumerate(goals):
        if vocabulary and goal not in vocabulary:
            raise Invalid(
                ("body", "goals", position),
                f"'{goal}' is not in the program's goals {sorted(vocabulary)}; "
                "use free_tags for your own words",
            )
    return ParticipantProfile(
        skills_offered=answers.skills_offered,
        skills_sought=answers.skills_sought,
        goals=tuple(dict.fromkeys(goals + [t.strip() for t in answers.free_tags])),
        languages=answers.languages or (person.languages if person else ()),
        timezone=answers.timezone or (person.timezone if person else "UTC"),
        meeting_style=answers.meeting_style,
        meeting_minutes=answers.meeting_minutes,
        every_days=answers.every_days,
        time_of_day=answers.time_of_day,
    )


async def _record(
    tx: Tx,
    command: EnrolParticipant | UpdateProfile,
    version: int,
    events: list[DomainEvent],
    profile: ParticipantProfile,
) -> Appended:
    """Append the person's events and keep their private answers, in ``tx``."""
    answers = command.answers
    private = PrivateAnswers(answers.personality, answers.work_start, answers.work_end)
    result = await tx.append(person_stream(command.person_id), version, events)
    await tx.tables.save_enrolment(
        command.program_id, command.person_id, profile.model_dump(mode="json"), private
    )
    return result
