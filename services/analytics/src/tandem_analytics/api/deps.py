"""What the routers depend on: the read pool and the caller as an audience of the figures."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from tandem_analytics.domain.audience import Audience
from tandem_analytics.domain.pseudonyms import Pseudonyms
from tandem_service.api import Reads
from tandem_service.auth import Caller, Role, require_roles
from tandem_service.auth.verifier import AuthError, TokenVerifier

__all__ = ["PAGE_COOKIE", "PageViewer", "Reads", "Viewer"]

# A browser cannot send a bearer header by itself: /dashboard/sign-in keeps the token in this
# cookie (HttpOnly, SameSite=Strict, sent only to /dashboard) for the pages, which only read.
PAGE_COOKIE = "tandem_dashboard"


def _audience(
    request: Request,
    caller: Annotated[Caller, Depends(require_roles(Role.PROGRAM_ADMIN, Role.ANALYST))],
) -> Audience:
    pseudonyms: Pseudonyms = request.app.state.pseudonyms
    return Audience(pseudonyms.of(caller.subject), sees_all=caller.has_any(Role.ANALYST))


async def verified(request: Request, token: str) -> Caller:
    """The caller ``token`` stands for, or the verifier's 401 as an HTTP answer."""
    verifier: TokenVerifier = request.app.state.token_verifier
    try:
        return await verifier.verify(token)
    except AuthError as exc:
        raise HTTPException(exc.status, exc.message, {"WWW-Authenticate": "Bearer"}) from exc


async def _page_audience(request: Request) -> Audience:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip() if scheme.lower() == "bearer" else request.cookies.get(PAGE_COOKIE, "")
    if not token:
        raise HTTPException(
            401,
            "sign in: send 'Authorization: Bearer <JWT>', or open "
            "/dashboard/sign-in?token=<JWT>&next=<this page's path> once",
            {"WWW-Authenticate": "Bearer"},
        )
    caller = await verified(request, token)
    if not caller.has_any(Role.PROGRAM_ADMIN, Role.ANALYST):
        raise HTTPException(403, "this page needs one of the roles: analyst, program_admin")
    return _audience(request, caller)


Viewer = Annotated[Audience, Depends(_audience)]
PageViewer = Annotated[Audience, Depends(_page_audience)]
