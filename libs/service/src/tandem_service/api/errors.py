"""One default answer per kind of refusal: the domain's errors and the store's conflicts."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse

from tandem_service.errors import DomainError, Invalid, NotYetKnown


async def domain_error(_: Request, exc: DomainError) -> JSONResponse:
    """A refused command as JSON: its status, the reason and any detail."""
    if isinstance(exc, Invalid):
        problem = {"loc": list(exc.location), "msg": exc.message, "type": "value_error"}
        return JSONResponse({"detail": [problem]}, status_code=exc.status)
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, NotYetKnown) else None
    return JSONResponse({"detail": exc.message, **exc.detail}, exc.status, headers=headers)
