"""Program admins maintain their programs' support resources and conversation guides."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from tandem_engagement.api.deps import Commands
from tandem_engagement.api.schemas import ResourceBody
from tandem_engagement.handlers.resources import PutResource, ResourcePut, put_resource
from tandem_service.api import Admin, IdempotencyKey, run

router = APIRouter(tags=["resources"])


class ResourceStored(BaseModel):
    """The stored resource's program and slug."""

    program_id: str
    slug: str


@router.put("/programs/{program_id}/resources/{slug}", response_model=ResourceStored)
async def put(
    program_id: str,
    slug: str,
    body: ResourceBody,
    caller: Admin,
    commands: Commands,
    command: IdempotencyKey,
) -> JSONResponse:
    """Add or replace a resource (use a default's slug to replace the default)."""
    put_command = PutResource(caller.subject, program_id, slug, body.kind, body.title, body.body)

    def respond(result: ResourcePut) -> ResourceStored:
        return ResourceStored(program_id=result.program_id, slug=result.slug)

    return await run(commands, command, lambda c: put_resource(c, put_command), respond)
