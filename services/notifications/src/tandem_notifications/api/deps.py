"""What the routers depend on beyond the kit's roles and read pool: the wiring."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from tandem_notifications.wiring import Wiring


def _wiring(request: Request) -> Wiring:
    wiring: Wiring = request.app.state.wiring
    return wiring


Wired = Annotated[Wiring, Depends(_wiring)]
