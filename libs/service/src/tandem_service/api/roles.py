"""Who may call a route: role aliases for FastAPI signatures, and the read pool."""

from __future__ import annotations

from typing import Annotated

import asyncpg
from fastapi import Depends, Request

from tandem_service.auth import Caller, Role, require_roles


async def _reads(request: Request) -> asyncpg.Pool:
    # async: a plain def dependency would run in the thread pool on every request.
    pool: asyncpg.Pool = request.app.state.runtime.pool
    return pool


Reads = Annotated[asyncpg.Pool, Depends(_reads)]
Admin = Annotated[Caller, Depends(require_roles(Role.PROGRAM_ADMIN))]
Participant = Annotated[Caller, Depends(require_roles(Role.PARTICIPANT))]
Member = Annotated[Caller, Depends(require_roles(Role.PARTICIPANT, Role.PROGRAM_ADMIN))]
Analyst = Annotated[Caller, Depends(require_roles(Role.ANALYST))]
ServiceCaller = Annotated[Caller, Depends(require_roles(Role.SERVICE))]
