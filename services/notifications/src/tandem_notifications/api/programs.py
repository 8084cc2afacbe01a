"""For program owners: channel settings, template overrides, delivery status (never content)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from tandem_notifications.adapters.postgres import PostgresChoices
from tandem_notifications.api.deps import Wired
from tandem_notifications.api.schemas import (
    ProgramChannels,
    ProgramChannelsOut,
    StatusCount,
    TemplateBody,
)
from tandem_notifications.domain.content import PARTS
from tandem_notifications.domain.errors import NotFound, TemplateRefused
from tandem_notifications.domain.kinds import Kind
from tandem_notifications.handlers.owners import (
    configure_channels,
    override_template,
    owned_program,
)
from tandem_notifications.projections.queries import delivery_status
from tandem_service.api import Admin, Reads

router = APIRouter(prefix="/programs/{program_id}", tags=["program owners"])


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
    program_id: str, body: ProgramChannels, caller: Admin, pool: Reads, wiring: Wired
) -> ProgramChannelsOut:
    """Set them; a new webhook URL gets a new signing secret, shown only in this answer."""
    program = await owned_program(pool, caller.subject, program_id)
    defaults = {k.value: sorted(c.value for c in v) for k, v in body.defaults.items()}
    secret = await configure_channels(
        pool,
        program,
        defaults,
        body.webhook_url,
        body.support,
        allow_http=wiring.webhook_allow_http,
    )
    return ProgramChannelsOut(**body.model_dump(), webhook_secret=secret)


@router.get("/templates", response_model=dict[str, str])
async def list_templates(program_id: str, caller: Admin, pool: Reads) -> dict[str, str]:
    """The program's overrides, as ``kind.part``: source."""
    program = await owned_program(pool, caller.subject, program_id)
    return {f"{kind}.{part}": source for (kind, part), source in program.overrides.items()}


@router.put("/templates/{kind}/{part}", status_code=204)
async def put_template(
    program_id: str, kind: Kind, part: str, body: TemplateBody, caller: Admin, pool: Reads
) -> Response:
    """Override one part (subject, text, html, chat) of one kind; checked in the sandbox first."""
    program = await owned_program(pool, caller.subject, program_id)
    if part not in PARTS:
        raise TemplateRefused(f"unknown part {part!r}; one of {', '.join(PARTS)}", field="part")
    try:
        await override_template(pool, program, kind, part, body.source)
    except TemplateRefused as exc:
        raise TemplateRefused(exc.message, field="source") from None
    return Response(status_code=204)


@router.delete("/templates/{kind}/{part}", status_code=204)
async def delete_template(
    program_id: str, kind: Kind, part: str, caller: Admin, pool: Reads
) -> Response:
    """Go back to Tandem's own template for that part."""
    await owned_program(pool, caller.subject, program_id)
    if not await PostgresChoices(pool).drop_template(program_id, kind.value, part):
        raise NotFound(f"no override of {kind.value}.{part}")
    return Response(status_code=204)


@router.get("/deliveries", response_model=list[StatusCount])
async def deliveries(program_id: str, caller: Admin, pool: Reads) -> list[StatusCount]:
    """How many notifications of each kind and channel are in each state."""
    await owned_program(pool, caller.subject, program_id)
    return [StatusCount(**row) for row in await delivery_status(pool, program_id)]
