"""What the routers depend on: the read pool and the caller as an audience of the figures."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from tandem_analytics.domain.audience import Audience
from tandem_analytics.domain.pseudonyms import Pseudonyms
from tandem_service.api import Reads
from tandem_service.auth import Caller, Role, require_roles

__all__ = ["Reads", "Viewer"]


def _audience(
    request: Request,
    caller: Annotated[Caller, Depends(require_roles(Role.PROGRAM_ADMIN, Role.ANALYST))],
) -> Audience:
    pseudonyms: Pseudonyms = request.app.state.pseudonyms
    return Audience(pseudonyms.of(caller.subject), sees_all=caller.has_any(Role.ANALYST))


Viewer = Annotated[Audience, Depends(_audience)]
