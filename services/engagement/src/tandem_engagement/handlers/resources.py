"""A program admin maintains the program's support resources and conversation guides."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tandem_engagement.domain.errors import Forbidden
from tandem_engagement.handlers.context import Context


@dataclass(frozen=True)
class PutResource:
    """Add or replace a resource (same slug as a default: the program's own version)."""

    actor: str
    program_id: str
    slug: str
    kind: Literal["support", "guide"]
    title: str
    body: str


@dataclass(frozen=True)
class ResourcePut:
    """What was stored."""

    program_id: str
    slug: str


async def put_resource(ctx: Context, command: PutResource) -> ResourcePut:
    """Store the resource if the admin owns the program."""
    async with ctx.transaction() as tx:
        if command.program_id not in await tx.tables.programs_owned_by(command.actor):
            raise Forbidden("only the program's owner maintains its resources")
        await tx.tables.put_resource(
            command.program_id,
            command.slug,
            command.kind,
            command.title,
            command.body,
            command.actor,
        )
    return ResourcePut(command.program_id, command.slug)
