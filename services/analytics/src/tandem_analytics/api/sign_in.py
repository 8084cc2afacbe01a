"""Opening the dashboard in a plain browser: a token given once becomes the pages' cookie."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse

from tandem_analytics.api.deps import PAGE_COOKIE, verified

router = APIRouter(prefix="/dashboard", tags=["dashboard"])
COOKIE_SECONDS = 8 * 3600  # the token inside is still checked, expiry included, on every page


@router.get(
    "/sign-in",
    status_code=303,
    responses={303: {"description": "Signed in: on to the page"}, 401: {}, 422: {}},
)
async def sign_in(
    request: Request,
    token: Annotated[str, Query(min_length=1, max_length=8192, description="A bearer JWT")],
    page: Annotated[
        str,
        Query(
            alias="next",
            pattern=r"^/dashboard/programs/[A-Za-z0-9_.\-]{1,200}$",
            description="The dashboard page to go to (only those: no open redirect)",
        ),
    ],
) -> RedirectResponse:
    """Keep a verified token for the dashboard's pages (a cookie) and go to the page."""
    await verified(request, token)
    answer = RedirectResponse(page, status_code=303)
    answer.set_cookie(
        PAGE_COOKIE,
        token,
        max_age=COOKIE_SECONDS,
        path="/dashboard",
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="strict",
    )
    return answer
