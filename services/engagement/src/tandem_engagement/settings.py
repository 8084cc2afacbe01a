"""Settings of the engagement service (``TANDEM_*`` environment variables)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from pydantic import Field, SecretStr

from tandem_service.settings import ServiceSettings


class EngagementSettings(ServiceSettings):
    """The engagement service's settings; defaults fit the local stack."""

    service_name: str = "engagement"
    http_port: int = Field(default=8002, ge=1, le=65535)
    database_url: SecretStr = SecretStr(
        "postgresql://tandem_engagement:tandem_engagement@127.0.0.1:5432/tandem_engagement"
    )
    sweeps_enabled: bool = True
    sweep_interval_seconds: float = Field(default=30.0, gt=0, le=3600)
    # Moves the service's clock (tests and the demo jump ahead; never set in production).
    clock_offset_days: float = Field(default=0.0, ge=-3650, le=3650)

    def clock(self) -> Callable[[], datetime]:
        """The service's clock: UTC now, moved by ``clock_offset_days``."""
        offset = timedelta(days=self.clock_offset_days)
        return lambda: datetime.now(UTC) + offset
