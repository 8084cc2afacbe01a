"""One default answer per kind of refusal: the domain's errors and the store's conflicts."""

from __future__ import annotations

import asyncpg
from fastapi import Request
from fastapi.responses import JSONResponse

from tandem_service.errors import DomainError, Invalid, NotYetKnown
from tandem_service.logging import get_logger

# The database went away under a request (killed, restarting, failed over) or cannot be reached:
# nothing was stored, and the same request will do once it is back. OSError covers a refused
# connection and a pool that timed out waiting.
DATABASE_AWAY: tuple[type[Exception], ...] = (
    OSError,
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
)
DATABASE_RETRY_AFTER_SECONDS = 2


async def domain_error(_: Request, exc: DomainError) -> JSONResponse:
    """A refused command as JSON: its status, the reason and any detail."""
    if isinstance(exc, Invalid):
        problem = {"loc": list(exc.location), "msg": exc.message, "type": "value_error"}
        return JSONResponse({"detail": [problem]}, status_code=exc.status)
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, NotYetKnown) else None
    return JSONResponse({"detail": exc.message, **exc.detail}, exc.status, headers=headers)


async def database_away(_: Request, exc: Exception) -> JSONResponse:
    """A request the database could not serve: 503 and when to retry, not a 500."""
    get_logger("tandem.app").warning("database unavailable", error=repr(exc))
    return JSONResponse(
        {"detail": "the database is unavailable; nothing was stored, retry shortly"},
        status_code=503,
        headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
    )
