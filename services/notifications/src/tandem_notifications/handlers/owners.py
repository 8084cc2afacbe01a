"""Program owners' commands: channel settings and template overrides of the programs they own."""

from __future__ import annotations

import secrets
from typing import Any

import asyncpg

from tandem_notifications.adapters import surroundings as reads
from tandem_notifications.adapters.surroundings import ProgramInfo
from tandem_notifications.adapters.templates import check_template
from tandem_notifications.adapters.webhook import check_url
from tandem_notifications.domain.errors import (
    Forbidden,
    InvalidAddress,
    NotFound,
    ProgramNotYetKnown,
    TemplateRefused,
)
from tandem_notifications.domain.kinds import Kind
from tandem_notifications.handlers.context import Context

SAMPLE: dict[str, Any] = {
    "recipient": "Alex Sample",
    "peers": ["Sam Sample"],
    "members": ["Alex Sample", "Sam Sample"],
    "program": {"name": "Sample program", "purpose": "growth", "support": "the owner"},
    "reasons": ["a sample reason"],
    "suggested_cadence_days": 14,
    "meeting_on": "2026-01-15",
    "first_meeting": "2026-01-15",
    "start_time": "10:00",
    "timezone": "Europe/Lisbon",
    "every_days": 14,
    "meeting_minutes": 30,
    "milestone": "streak",
    "count": 4,
    "round": 2,
    "milestone_text": "4 meetings in a row",
    "health": "at_risk",
    "counts": {"active": 10, "at_risk": 2, "ended": 1},
    "pair_id": "pair-sample",
    "program_id": "program-sample",
}


async def owned_program(pool: asyncpg.Pool, owner_id: str, program_id: str) -> ProgramInfo:
    """The program, if ``owner_id`` launched it; an unknown one may still be on its way."""
    async with pool.acquire() as conn:
        found = (await reads.programs(conn, [program_id])).get(program_id)
    if found is None:
        raise ProgramNotYetKnown(program_id)
    if found.owner_id != owner_id:
        raise Forbidden(f"you do not own program {program_id}")
    return found


async def configure_channels(
    ctx: Context,
    program: ProgramInfo,
    defaults: dict[str, list[str]],
    webhook_url: str | None,
    support: str,
    *,
    allow_http: bool,
) -> str | None:
    """Store the settings; a new webhook URL gets a new signing secret, returned once."""
    secret = None
    if webhook_url is not None:
        try:
            check_url(webhook_url, allow_http=allow_http)
        except InvalidAddress as exc:
            raise InvalidAddress(exc.message, field="webhook_url") from None
        if webhook_url != program.webhook_url:
            secret = secrets.token_urlsafe(32)
    async with ctx.transaction() as tx:
        await tx.tables.choices.save_program(
            program.program_id, defaults, webhook_url, secret, support
        )
    return secret


async def override_template(
    ctx: Context, program: ProgramInfo, kind: Kind, part: str, source: str
) -> None:
    """Check the template in the sandbox against a sample, then store it."""
    try:
        check_template(kind, part, source, SAMPLE)
    except TemplateRefused as exc:
        raise TemplateRefused(exc.message, field="source") from None
    async with ctx.transaction() as tx:
        await tx.tables.choices.put_template(program.program_id, kind.value, part, source)


async def drop_template(ctx: Context, program: ProgramInfo, kind: Kind, part: str) -> None:
    """Go back to Tandem's own template for that part."""
    async with ctx.transaction() as tx:
        if not await tx.tables.choices.drop_template(program.program_id, kind.value, part):
            raise NotFound(f"no override of {kind.value}.{part}")
