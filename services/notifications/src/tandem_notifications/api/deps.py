"""What the routers depend on: the pool, the wiring (clock, secrets), the roles."""

from __future__ import annotations

from typing import Annotated

import asyncpg
from fastapi import Depends, Request
from fastapi.responses import JSONResponse

from tandem_notifications.domain.errors import NotificationError
from tandem_notifications.wiring import Wiring
from tandem_service.auth import Caller, Role, require_roles


def _pool(request: Request) -> asyncpg.Pool:
    pool: asyncpg.Pool = request.app.state.runtime.pool
    return pool


def _wiring(request: Request) -> Wiring:
    wiring: Wiring = request.app.state.wiring
    return wiring


Pool = Annotated[asyncpg.Pool, Depends(_pool)]
Wired = Annotated[Wiring, Depends(_wiring)]
Participant = Annotated[Caller, Depends(require_roles(Role.PARTICIPANT))]
Owner = Annotated[Caller, Depends(require_roles(Role.PROGRAM_ADMIN))]


async def domain_error(_: Request, exc: NotificationError) -> JSONResponse:
    """A refused request as JSON: its status, the reason, and the field when one is to blame."""
    body: dict[str, object] = {"detail": exc.message}
    if exc.field is not None:
        body["field"] = exc.field
    return JSONResponse(body, status_code=exc.status)
