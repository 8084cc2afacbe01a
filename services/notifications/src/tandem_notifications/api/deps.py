"""What the routers depend on beyond the kit's roles and read pool: wiring and commands."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from tandem_notifications.handlers.context import Context
from tandem_notifications.wiring import Wiring
from tandem_service.api import command_context


def _wiring(request: Request) -> Wiring:
    wiring: Wiring = request.app.state.wiring
    return wiring


Wired = Annotated[Wiring, Depends(_wiring)]
Commands = Annotated[Context, Depends(command_context)]
