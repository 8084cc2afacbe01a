"""What the routers depend on: the command context, the read pool, the roles."""

from __future__ import annotations

from typing import Annotated

import asyncpg
from fastapi import Depends, Request
from fastapi.responses import JSONResponse

from tandem_matching.domain.errors import DomainError
from tandem_matching.handlers.context import CommandContext
from tandem_service.auth import Caller, Role, require_roles


def _commands(request: Request) -> CommandContext:
    return request.app.state.commands  # type: ignore[no-any-return]


def _reads(request: Request) -> asyncpg.Pool:
    return request.app.state.runtime.pool  # type: ignore[no-any-return]


Commands = Annotated[CommandContext, Depends(_commands)]
Reads = Annotated[asyncpg.Pool, Depends(_reads)]
Admin = Annotated[Caller, Depends(require_roles(Role.PROGRAM_ADMIN))]
Participant = Annotated[Caller, Depends(require_roles(Role.PARTICIPANT))]
Member = Annotated[Caller, Depends(require_roles(Role.PARTICIPANT, Role.PROGRAM_ADMIN))]


async def domain_error(_: Request, exc: DomainError) -> JSONResponse:
    """A refused command as JSON: 404, 409 or 403 with the reason and any detail."""
    return JSONResponse({"detail": exc.message, **exc.detail}, status_code=exc.status)
