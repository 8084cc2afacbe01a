"""Programs: create (launch), read, update, close."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, HTTPException, status

from tandem_events.backbone import IdempotencyKey
from tandem_events.catalog.matching import ProgramLaunched, ProgramUpdated
from tandem_matching.api.deps import Admin, Commands, Member, Reads
from tandem_matching.api.schemas_programs import (
    CommandAccepted,
    ProgramClose,
    ProgramCreate,
    ProgramPublic,
    ProgramUpdate,
)
from tandem_matching.handlers.programs import close_program, launch_program, update_program
from tandem_matching.projections import queries

router = APIRouter(prefix="/programs", tags=["programs"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=CommandAccepted)
async def create_program(
    body: ProgramCreate, caller: Admin, commands: Commands, key: IdempotencyKey = None
) -> CommandAccepted:
    """Create and launch a program with its purpose, dates, cadence and matching policy."""
    program_id = body.program_id or uuid.uuid4().hex
    event = ProgramLaunched(
        occurred_at=commands.now(),
        actor_id=caller.subject,
        program_id=program_id,
        name=body.name,
        purpose=body.purpose,
        description=body.description,
        starts_on=body.starts_on,
        ends_on=body.ends_on,
        suggested_cadence_days=body.suggested_cadence_days,
        policy=body.policy.as_event(),
        goal_vocabulary=tuple(dict.fromkeys(g.strip().lower() for g in body.goal_vocabulary)),
    )
    result = await launch_program(commands, event, key)
    return CommandAccepted(**result.__dict__, id=result.stream_id.removeprefix("program-"))


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
    key: IdempotencyKey = None,
) -> CommandAccepted:
    """Change description, end date, cadence or policy; 409 if ``expected_version`` is stale."""
    event = ProgramUpdated(
        occurred_at=commands.now(),
        actor_id=caller.subject,
        program_id=program_id,
        description=body.description,
        ends_on=body.ends_on,
        suggested_cadence_days=body.suggested_cadence_days,
        policy=body.policy.as_event() if body.policy else None,
    )
    result = await update_program(commands, event, body.expected_version, key)
    return CommandAccepted(**result.__dict__, id=program_id)


@router.post("/{program_id}/close", response_model=CommandAccepted)
async def close(
    program_id: str,
    body: ProgramClose,
    caller: Admin,
    commands: Commands,
    key: IdempotencyKey = None,
) -> CommandAccepted:
    """Close the program; its active pairs end."""
    result = await close_program(commands, program_id, body.reason, caller.subject, key)
    return CommandAccepted(**result.__dict__, id=program_id)
