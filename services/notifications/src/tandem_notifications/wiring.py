"""What the routers get from bootstrap: the clock, secrets and the dispatcher."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    from tandem_notifications.handlers.dispatch import Dispatcher

Clock = Callable[[], datetime]


@dataclass
class Wiring:
    """The service's handles beside the pool (which comes from the runtime)."""

    clock: Clock
    unsubscribe_secret: bytes
    webhook_allow_http: bool = False
    dispatcher: Dispatcher | None = None
    clients: list[httpx.AsyncClient] = field(default_factory=list)
