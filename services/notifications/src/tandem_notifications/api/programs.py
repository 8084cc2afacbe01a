"""For program owners: channel settings, template overrides, delivery status (never content)."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from tandem_notifications.api.deps import Commands, Wired
from tandem_notifications.api.schemas import (
    Done,
    ProgramChannels,
    ProgramChannelsOut,
    StatusCount,
    TemplateBody,
)
from tandem_notifications.domain.content import PARTS
from tandem_notifications.domain.errors import TemplateRefused
from tandem_notifications.domain.kinds import Kind
from tandem_notifications.handlers.context import Context
from tandem_notifications.handlers.owners import (
    configure_channels,
    drop_template,
    override_template,
    owned_program,
)
from tandem_notifications.projections.queries import delivery_status
from tandem_service.api import Admin, IdempotencyKey, Reads, run
from tandem_service.commands import run_command

NOT_YET = (
    "A program this service has not seen launched (Retry-After): it may have been launched"
    " moments ago, or never"
)
router = APIRouter(
    prefix="/programs/{program_id}",
    tags=["program owners"],
    responses={409: {"description": NOT_YET}},
)


@router.get("/channels", response_model=ProgramChannelsOut)
async def get_channels(program_id: str, caller: Admin, pool: Reads) -> ProgramChannelsOut:
    """The program's channel defaults, program webhook and support text."""
    program = await owned_program(pool, caller.subject, program_id)
    return ProgramChannelsOut(
        defaults={k: sorted(v) for k, v in program.defaults.channels.items()},
        webhook_url=program.webhook_url,
        support=program.support,
    )


@router.put("/channels", response_model=ProgramChannelsOut)
async def put_channels(
    program_id: str,
    body: ProgramChannels,
    caller: Admin,
    pool: Reads,
    wiring: Wired,
    commands: Commands,
    command: IdempotencyKey,
) -> JSONResponse:
    """Set them; a new webhook URL gets a new signing secret, shown only in this answer."""
    program = await owned_program(pool, caller.subject, program_id)
    defaults = {k.value: sorted(c.value for c in v) for k, v in body.defaults.items()}
    allow_http = wiring.webhook_allow_http

    async def configure(c: Context) -> str | None:
        return await configure_channels(
            c, program, defaults, body.webhook_url, body.support, allow_http=allow_http
        )

    def answer(secret: str | None) -> ProgramChannelsOut:
        return ProgramChannelsOut(**body.model_dump(), webhook_secret=secret)

    return await run(commands, command, configure, answer)


@router.get("/templates", response_model=dict[str, str])
async def list_templates(program_id: str, caller: Admin, pool: Reads) -> dict[str, str]:
    """The program's overrides, as ``kind.part``: source."""
    program = await owned_program(pool, caller.subject, program_id)
    return {f"{kind}.{part}": source for (kind, part), source in program.overrides.items()}


@router.put("/templates/{kind}/{part}", status_code=204)
async def put_template(
    program_id: str,
    kind: Kind,
    part: str,
    body: TemplateBody,
    caller: Admin,
    pool: Reads,
    commands: Commands,
    command: IdempotencyKey,
) -> Response:
    """Override one part (subject, text, html, chat) of one kind; checked in the sandbox first."""
    program = await owned_program(pool, caller.subject, program_id)
    if part not in PARTS:
        raise TemplateRefused(f"unknown part {part!r}; one of {', '.join(PARTS)}", field="part")
    source = body.source
    await run_command(
        commands,
        command,
        lambda c: override_template(c, program, kind, part, source),
        Done.of,
    )
    return Response(status_code=204)


@router.delete("/templates/{kind}/{part}", status_code=204)
async def delete_template(
    program_id: str,
    kind: Kind,
    part: str,
    caller: Admin,
    pool: Reads,
    commands: Commands,
    command: IdempotencyKey,
) -> Response:
    """Go back to Tandem's own template for that part."""
    program = await owned_program(pool, caller.subject, program_id)
    await run_command(commands, command, lambda c: drop_template(c, program, kind, part), Done.of)
    return Response(status_code=204)


@router.get("/deliveries", response_model=list[StatusCount])
async def deliveries(program_id: str, caller: Admin, pool: Reads) -> list[StatusCount]:
    """How many notifications of each kind and channel are in each state."""
    await owned_program(pool, caller.subject, program_id)
    return [StatusCount(**row) for row in await delivery_status(pool, program_id)]
