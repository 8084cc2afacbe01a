"""Program commands: launch, update, close (closing ends the program's active pairs)."""

from __future__ import annotations

from tandem_events.catalog.matching import ProgramLaunched, ProgramUpdated
from tandem_events.errors import ConcurrencyError
from tandem_events.store import AppendResult
from tandem_matching.domain import program as programs
from tandem_matching.domain.program import Program, apply_program, program_stream
from tandem_matching.handlers.context import CommandContext, retried
from tandem_matching.handlers.pairs import end_pairs


async def load_program(ctx: CommandContext, program_id: str) -> tuple[Program, int]:
    """The program and its stream version."""
    return await ctx.store.load(program_stream(program_id), Program(program_id), apply_program)


@retried
async def launch_program(
    ctx: CommandContext, event: ProgramLaunched, key: str | None
) -> AppendResult:
    """Launch a program (a program id is launched once)."""
    if done := await ctx.earlier(key):
        return done
    state, version = await load_program(ctx, event.program_id)
    events = programs.launch(state, event)
    async with ctx.transaction() as conn:
        return await ctx.append(
            conn, program_stream(event.program_id), version, events, key, primary=True
        )


@retried
async def update_program(
    ctx: CommandContext, event: ProgramUpdated, expected: int | None, key: str | None
) -> AppendResult:
    """Change an open program; with ``expected`` the caller's view must still be current."""
    if done := await ctx.earlier(key):
        return done
    state, version = await load_program(ctx, event.program_id)
    events = programs.update(state, event)
    if expected is not None and expected != version:
        raise ConcurrencyError(program_stream(event.program_id), expected)
    async with ctx.transaction() as conn:
        return await ctx.append(
            conn, program_stream(event.program_id), version, events, key, primary=True
        )


@retried
async def close_program(
    ctx: CommandContext, program_id: str, reason: str, actor: str, key: str | None
) -> AppendResult:
    """Close the program and end every active pair in it."""
    if done := await ctx.earlier(key):
        return done
    state, version = await load_program(ctx, program_id)
    events = programs.close(state, reason=reason, actor=actor, now=ctx.now())
    async with ctx.transaction() as conn:
        result = await ctx.append(
            conn, program_stream(program_id), version, events, key, primary=True
        )
        await conn.execute(
            "UPDATE enrolments SET rematch_requested = false WHERE program_id = $1", program_id
        )
        await end_pairs(ctx, conn, program_id, None, "program_closed", actor, key)
        return result
