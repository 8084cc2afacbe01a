"""Programs: create (launch), read, update, close, and who manages them."""

from __future__ import annotations

from fastapi import APIRouter, Response, status
from fastapi.responses import JSONResponse

from tandem_matching.api.deps import (
    Admin,
    Commands,
    IfMatch,
    Managed,
    Member,
    etag,
    is_org_admin,
    manages_programs,
)
from tandem_matching.api.openapi_docs import AUTH, CONFLICT
from tandem_matching.api.schemas_programs import (
    CoAdminIn,
    EnrolmentWindowIn,
    ProgramClose,
    ProgramCreate,
    ProgramPublic,
    ProgramUpdate,
    public_program,
)
from tandem_matching.handlers import programs as handlers
from tandem_matching.projections import queries
from tandem_service.api import CommandAccepted, IdempotencyKey, Reads, accepted, run
from tandem_service.commands import Appended

router = APIRouter(prefix="/programs", tags=["programs"], responses=AUTH)

MANAGERS = "Needs program_admin (the program's owner or a co-admin) or org_admin."


def _launched(result: Appended) -> CommandAccepted:
    return CommandAccepted.of(result, result.stream_id.removeprefix("program-"))


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=CommandAccepted,
    responses={409: {"description": "The program id exists"}, 422: {"description": "Bad field"}},
    description="Needs program_admin or org_admin; the caller becomes the program's owner.",
)
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


@router.get(
    "",
    response_model=list[ProgramPublic],
    description="Needs participant, program_admin or org_admin; drafts only for admins.",
)
async def list_programs(caller: Member, reads: Reads) -> list[dict[str, object]]:
    """Every program (eventually consistent read model); drafts only for admins."""
    return await queries.programs(reads, with_drafts=manages_programs(caller))


@router.get(
    "/{program_id}",
    response_model=ProgramPublic,
    responses={404: {"description": "No such program"}},
    description="Needs participant, program_admin or org_admin; answered from the write "
    "model (a GET after a 201 finds it). The ETag is the program's version.",
)
async def get_program(
    program_id: str, caller: Member, commands: Commands, response: Response
) -> ProgramPublic:
    """One program with its version as the ETag, or 404 (a draft, to a participant)."""
    program, version = await handlers.load_program(commands, program_id)
    manager = is_org_admin(caller) or caller.subject in (program.owner, *program.co_admins)
    program.check_visible(to_manager=manager)
    response.headers["ETag"] = etag(version)
    return public_program(program, version)


@router.patch(
    "/{program_id}",
    response_model=CommandAccepted,
    responses={
        403: {"description": "Not a manager"},
        404: {"description": "No such program"},
        409: {"description": "Closed, or expected_version stale"},
        412: {"description": "If-Match stale"},
        422: {"description": "Bad field"},
    },
    description=MANAGERS,
)
async def change_program(
    program_id: str,
    body: ProgramUpdate,
    caller: Admin,
    _: Managed,
    version: IfMatch,
    commands: Commands,
    command: IdempotencyKey,
) -> JSONResponse:
    """Change description, end date, cadence or policy; 412 if ``If-Match`` is stale."""
    changes = body.model_dump(exclude={"policy"})
    update = handlers.UpdateProgram(
        **changes,
        actor=caller.subject,
        program_id=program_id,
        policy=body.policy.as_event() if body.policy else None,
        if_match=version,
    )
    return await run(
        commands, command, lambda c: handlers.update_program(c, update), accepted(program_id)
    )


@router.post(
    "/{program_id}/close",
    response_model=CommandAccepted,
    responses={403: {}, 404: {}, 409: {"description": "Already closed"}, 412: {}},
    description=MANAGERS,
)
async def close(
    program_id: str,
    body: ProgramClose,
    caller: Admin,
    _: Managed,
    version: IfMatch,
    commands: Commands,
    command: IdempotencyKey,
) -> JSONResponse:
    """Close the program; its active pairs end."""
    closing = handlers.CloseProgram(caller.subject, program_id, body.reason, version)
    return await run(
        commands, command, lambda c: handlers.close_program(c, closing), accepted(program_id)
    )


@router.post(
    "/{program_id}/admins",
    status_code=status.HTTP_201_CREATED,
    response_model=CommandAccepted,
    responses={403: {}, 404: {}, 409: {"description": "Already a manager, or closed"}},
    description=MANAGERS,
)
async def add_co_admin(
    program_id: str,
    body: CoAdminIn,
    caller: Admin,
    _: Managed,
    commands: Commands,
    command: IdempotencyKey,
) -> JSONResponse:
    """Make someone a co-admin of the program."""
    adding = handlers.ChangeProgramAdmin(caller.subject, program_id, body.person_id)
    return await run(
        commands, command, lambda c: handlers.change_program_admin(c, adding), accepted(program_id)
    )


@router.delete(
    "/{program_id}/admins/{person_id}",
    response_model=CommandAccepted,
    responses={403: {}, 404: {"description": "No such program or co-admin"}, **CONFLICT},
    description=MANAGERS,
)
async def remove_co_admin(
    program_id: str,
    person_id: str,
    caller: Admin,
    _: Managed,
    commands: Commands,
    command: IdempotencyKey,
) -> JSONResponse:
    """Remove a co-admin (the owner stays)."""
    removing = handlers.ChangeProgramAdmin(caller.subject, program_id, person_id, add=False)
    return await run(
        commands,
        command,
        lambda c: handlers.change_program_admin(c, removing),
        accepted(program_id),
    )


@router.post(
    "/{program_id}/enrolment-window",
    response_model=CommandAccepted,
    responses={403: {}, 404: {}, 409: {"description": "Not a draft"}, 422: {}},
    description=MANAGERS,
)
async def open_enrolment(
    program_id: str,
    body: EnrolmentWindowIn,
    caller: Admin,
    _: Managed,
    commands: Commands,
    command: IdempotencyKey,
) -> JSONResponse:
    """Open a draft's enrolment window: participants see it and may enrol within the dates."""
    opening = handlers.OpenEnrolment(caller.subject, program_id, body.opens_on, body.closes_on)
    return await run(
        commands, command, lambda c: handlers.open_enrolment(c, opening), accepted(program_id)
    )


@router.post(
    "/{program_id}/start",
    response_model=CommandAccepted,
    responses={403: {}, 404: {}, 409: {"description": "Already running or closed"}},
    description=MANAGERS,
)
async def start(
    program_id: str, caller: Admin, _: Managed, commands: Commands, command: IdempotencyKey
) -> JSONResponse:
    """Start the program: rounds may pair its participants."""
    starting = handlers.StartProgram(caller.subject, program_id)
    return await run(
        commands, command, lambda c: handlers.start_program(c, starting), accepted(program_id)
    )
