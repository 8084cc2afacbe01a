"""What a service runs beside its HTTP API, declared as hooks the kit calls at start."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

import asyncpg
from starlette.datastructures import State

from tandem_events.store import EventStore
from tandem_service.clock import ServiceClock
from tandem_service.runtime import Component
from tandem_service.settings import ServiceSettings

S = TypeVar("S", bound=ServiceSettings)


@dataclass(frozen=True)
class Started(Generic[S]):
    """What a background hook gets once the pool, the store and the clock are open."""

    settings: S
    pool: asyncpg.Pool
    store: EventStore
    clock: ServiceClock
    state: State  # the app's state: where routers find what a hook built


# Returns the components to start now and stop, in reverse order, when the service stops.
Background = Callable[[Started[S]], Iterable[Component]]


@dataclass(frozen=True)
class OnStop:
    """A component that only closes something when the service stops (clients, channels)."""

    close: Callable[[], Awaitable[None]]

    async def start(self) -> None:
        """Nothing to open: what it closes was opened by its hook."""

    async def stop(self) -> None:
        """Close it."""
        await self.close()
