"""What engagement's routers depend on beyond the kit: the typed command context."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from tandem_engagement.handlers.context import Context
from tandem_service.api import command_context

Commands = Annotated[Context, Depends(command_context)]
