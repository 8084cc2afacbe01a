"""Settings of the engagement service (``TANDEM_*`` environment variables)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from pydantic import Field

from tandem_service.settings import ServiceDeclaration, ServiceSettings


class EngagementSettings(ServiceSettings):
    """The engagement service's settings; its registry entry gives name, port and database."""

    declaration = ServiceDeclaration.of_package("tandem_engagement")
    sweeps_enabled: bool = True
    sweep_interval_seconds: float = Field(default=30.0, gt=0, le=3600)
    # Moves the service's clock (tests and the demo jump ahead; never set in production).
    clock_offset_days: float = Field(default=0.0, ge=-3650, le=3650)

    def clock(self) -> Callable[[], datetime]:
        """The service's clock: UTC now, moved by ``clock_offset_days``."""
        offset = timedelta(days=self.clock_offset_days)
        return lambda: datetime.now(UTC) + offset
