"""FastAPI dependencies: ``CurrentCaller`` and role guards."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from tandem_service.auth.caller import Caller, Role
from tandem_service.auth.verifier import AuthError, TokenVerifier

_bearer = HTTPBearer(auto_error=False, description="An RS256 JWT from the identity provider")


async def current_caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    """The verified caller of this request, or 401."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise _refuse(401, "missing bearer token: send 'Authorization: Bearer <JWT>'")
    verifier: TokenVerifier = request.app.state.token_verifier
    try:
        return await verifier.verify(credentials.credentials)
    except AuthError as exc:
        raise _refuse(exc.status, exc.message) from exc


CurrentCaller = Annotated[Caller, Depends(current_caller)]


def require_roles(*roles: Role) -> Callable[[Caller], Awaitable[Caller]]:
    """A dependency that admits callers holding any of ``roles`` and refuses others with 403."""
    allowed = ", ".join(sorted(r.value for r in roles))

    async def guard(caller: CurrentCaller) -> Caller:
        if not caller.has_any(*roles):
            raise _refuse(403, f"this operation needs one of the roles: {allowed}")
        return caller

    return guard


def _refuse(code: int, message: str) -> HTTPException:
    headers = {"WWW-Authenticate": "Bearer"} if code == status.HTTP_401_UNAUTHORIZED else None
    return HTTPException(status_code=code, detail=message, headers=headers)
