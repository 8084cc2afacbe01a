"""What the routers depend on: the read pool and the caller as an audience of the figures."""

from __future__ import annotations

from typing import Annotated

import asyncpg
from fastapi import Depends, Request
from fastapi.responses import JSONResponse

from tandem_analytics.domain.audience import Audience
from tandem_analytics.domain.errors import NotYourProgram
from tandem_analytics.domain.pseudonyms import Pseudonyms
from tandem_service.auth import Caller, Role, require_roles


def _reads(request: Request) -> asyncpg.Pool:
    pool: asyncpg.Pool = request.app.state.runtime.pool
    return pool


def _audience(
    request: Request,
    caller: Annotated[Caller, Depends(require_roles(Role.PROGRAM_ADMIN, Role.ANALYST))],
) -> Audience:
    pseudonyms: Pseudonyms = request.app.state.pseudonyms
    return Audience(pseudonyms.of(caller.subject), sees_all=caller.has_any(Role.ANALYST))


Reads = Annotated[asyncpg.Pool, Depends(_reads)]
Viewer = Annotated[Audience, Depends(_audience)]


async def not_your_program(_: Request, exc: NotYourProgram) -> JSONResponse:
    """Unknown and not-yours look the same, so ids of others' programs do not leak."""
    return JSONResponse({"detail": str(exc), "program_id": exc.program_id}, status_code=404)
