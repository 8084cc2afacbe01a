"""Program commands: launch, update, close (closing ends the program's active pairs), co-admins."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from tandem_events.catalog.matching import MatchingPolicy, ProgramLaunched, ProgramUpdated
from tandem_events.errors import ConcurrencyError
from tandem_matching.domain import program as programs
from tandem_matching.domain.errors import Stale
from tandem_matching.domain.program import Program, apply_program, program_stream
from tandem_matching.handlers.context import Context
from tandem_matching.handlers.pairs import end_pairs
from tandem_service.commands import Appended


@dataclass(frozen=True)
class LaunchProgram:
    """Create and launch a program (``program_id`` None: a new id is made)."""

    actor: str
    program_id: str | None
    name: str
    purpose: str
    description: str
    starts_on: date
    ends_on: date | None
    suggested_cadence_days: int
    policy: MatchingPolicy
    goal_vocabulary: tuple[str, ...]
    draft: bool = False


@dataclass(frozen=True)
class UpdateProgram:
    """Change an open program; with ``expected_version`` the caller's view must be current."""

    actor: str
    program_id: str
    description: str | None = None
    ends_on: date | None = None
    suggested_cadence_days: int | None = None
    policy: MatchingPolicy | None = None
    expected_version: int | None = None
    if_match: int | None = None


@dataclass(frozen=True)
class CloseProgram:
    """Close a program; its active pairs end."""

    actor: str
    program_id: str
    reason: str = ""
    if_match: int | None = None


@dataclass(frozen=True)
class OpenEnrolment:
    """Open a draft's enrolment window."""

    actor: str
    program_id: str
    opens_on: date
    closes_on: date | None = None


@dataclass(frozen=True)
class StartProgram:
    """Let rounds run."""

    actor: str
    program_id: str


@dataclass(frozen=True)
class ChangeProgramAdmin:
    """Add (or remove) a co-admin of a program."""

    actor: str
    program_id: str
    person_id: str
    add: bool = True


def _check_if_match(program_id: str, if_match: int | None, version: int) -> None:
    if if_match is not None and if_match != version:
        raise Stale(
            f"program {program_id} is at version {version}, not {if_match}", version=version
        )


async def load_program(ctx: Context, program_id: str) -> tuple[Program, int]:
    """The program and its stream version."""
    return await ctx.load(program_stream(program_id), Program(program_id), apply_program)


async def launch_program(ctx: Context, command: LaunchProgram) -> Appended:
    """Launch a program (a program id is launched once)."""
    program_id = command.program_id or uuid.uuid4().hex
    state, version = await load_program(ctx, program_id)
    launched = ProgramLaunched(
        occurred_at=ctx.now(),
        actor_id=command.actor,
        program_id=program_id,
        name=command.name,
        purpose=command.purpose,
        description=command.description,
        starts_on=command.starts_on,
        ends_on=command.ends_on,
        suggested_cadence_days=command.suggested_cadence_days,
        policy=command.policy,
        goal_vocabulary=tuple(dict.fromkeys(g.strip().lower() for g in command.goal_vocabulary)),
        draft=command.draft,
    )
    async with ctx.transaction() as tx:
        return await tx.append(
            program_stream(program_id), version, programs.launch(state, launched)
        )


async def update_program(ctx: Context, command: UpdateProgram) -> Appended:
    """Change an open program."""
    state, version = await load_program(ctx, command.program_id)
    _check_if_match(command.program_id, command.if_match, version)
    events = programs.update(
        state,
        ProgramUpdated(
            occurred_at=ctx.now(),
            actor_id=command.actor,
            program_id=command.program_id,
            description=command.description,
            ends_on=command.ends_on,
            suggested_cadence_days=command.suggested_cadence_days,
            policy=command.policy,
        ),
    )
    expected = command.expected_version
    if expected is not None and expected != version:
        raise ConcurrencyError(program_stream(command.program_id), expected)
    async with ctx.transaction() as tx:
        return await tx.append(program_stream(command.program_id), version, events)


async def close_program(ctx: Context, command: CloseProgram) -> Appended:
    """Close the program and end every active pair in it."""
    state, version = await load_program(ctx, command.program_id)
    _check_if_match(command.program_id, command.if_match, version)
    events = programs.close(state, reason=command.reason, actor=command.actor, now=ctx.now())
    async with ctx.transaction() as tx:
        result = await tx.append(program_stream(command.program_id), version, events)
        await tx.tables.mark_rematch(command.program_id, None, wanted=False)
        await end_pairs(ctx, tx, command.program_id, None, "program_closed", command.actor)
        return result


async def change_program_admin(ctx: Context, command: ChangeProgramAdmin) -> Appended:
    """Add or remove a co-admin."""
    state, version = await load_program(ctx, command.program_id)
    change = programs.add_admin if command.add else programs.remove_admin
    events = change(state, command.person_id, actor=command.actor, now=ctx.now())
    async with ctx.transaction() as tx:
        return await tx.append(program_stream(command.program_id), version, events)


async def open_enrolment(ctx: Context, command: OpenEnrolment) -> Appended:
    """Open the enrolment window of a draft."""
    state, version = await load_program(ctx, command.program_id)
    events = programs.open_enrolment(
        state, command.opens_on, command.closes_on, actor=command.actor, now=ctx.now()
    )
    async with ctx.transaction() as tx:
        return await tx.append(program_stream(command.program_id), version, events)


async def start_program(ctx: Context, command: StartProgram) -> Appended:
    """Start the program."""
    state, version = await load_program(ctx, command.program_id)
    events = programs.start(state, actor=command.actor, now=ctx.now())
    async with ctx.transaction() as tx:
        return await tx.append(program_stream(command.program_id), version, events)
