"""What a running service holds open (no web framework here: the backbone uses it too)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import asyncpg

from tandem_service.health import ReadinessCheck
from tandem_service.settings import ServiceSettings

if TYPE_CHECKING:
    from tandem_service.kafka import KafkaProbe


class Component(Protocol):
    """Something a service runs beside its HTTP API (a relay, a consumer)."""

    async def start(self) -> None: ...
    async def stop(self) -> None: ...


@dataclass
class Runtime:
    """What the lifespan opens: the pool, the Kafka probe and the service's components."""

    settings: ServiceSettings
    pool: asyncpg.Pool | None = None
    kafka: KafkaProbe | None = None
    components: list[Component] = field(default_factory=list)
    checks: dict[str, ReadinessCheck] = field(default_factory=dict)
