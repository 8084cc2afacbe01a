"""Programs: create (launch), read, update, close."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status
from fastapi.responses import JSONResponse

from tandem_matching.api.deps import Commands
from tandem_matching.api.schemas_programs import (
    ProgramClose,
    ProgramCreate,
    ProgramPublic,
    ProgramUpdate,
)
from tandem_matching.handlers import programs as handlers
from tandem_matching.projections import queries
from tandem_service.api import (
    Admin,
    CommandAccepted,
    IdempotencyKey,
    Member,
    Reads,
    accepted,
    run,
)
from tandem_service.commands import Appended

router = APIRouter(prefix="/programs", tags=["programs"])


def _launched(result: Appended) -> CommandAccepted:
    return CommandAccepted.of(result, result.stream_id.removeprefix("program-"))


@router.post("", status_code=status.HTTP_201_CREATED, response_model=CommandAccepted)
async def create_program(
    body: ProgramCreate, caller: Admin, commands: Commands, command: IdempotencyKey
) -> JSONResponse:
    """Create and launch a program with its purpose, dates, cadence and matching policy."""
    fields = body.model_dump(exclude={"policy", "goal_vocabulary"})
    launch = handlers.LaunchProgram(
        **fields,
        actor=caller.subject,
        policy=body.policy.as_event(),
        goal_vocabulary=tuple(body.goal_vocabulary),
    )
    return await run(commands, command, lambda c: handlers.launch_program(c, launch), _launched)


@router.get("", response_model=list[ProgramPublic])
async def list_programs(_: Member, reads: Reads) -> list[dict[str, object]]:
    """Every program (eventually consistent read model)."""
    return await queries.programs(reads)


@router.get("/{program_id}", response_model=ProgramPublic)
async def get_program(program_id: str, _: Member, reads: Reads) -> dict[str, object]:
    """One program, or 404."""
    found = await queries.program(reads, program_id)
    if found is None:
        raise HTTPException(404, f"no program {program_id}")
    return found


@router.patch("/{program_id}", response_model=CommandAccepted)
async def change_program(
    program_id: str,
    body: ProgramUpdate,
    caller: Admin,
    commands: Commands,
    command: IdempotencyKey,
) -> JSONResponse:
    """Change description, end date, cadence or policy; 409 if ``expected_version`` is stale."""
    changes = body.model_dump(exclude={"policy"})
    update = handlers.UpdateProgram(
        **changes,
        actor=caller.subject,
        program_id=program_id,
        policy=body.policy.as_event() if body.policy else None,
    )
    return await run(
        commands, command, lambda c: handlers.update_program(c, update), accepted(program_id)
    )


@router.post("/{program_id}/close", response_model=CommandAccepted)
async def close(
    program_id: str,
    body: ProgramClose,
    caller: Admin,
    commands: Commands,
    command: IdempotencyKey,
) -> JSONResponse:
    """Close the program; its active pairs end."""
    closing = handlers.CloseProgram(caller.subject, program_id, body.reason)
    return await run(
        commands, command, lambda c: handlers.close_program(c, closing), accepted(program_id)
    )
