"""Settings of the engagement service (``TANDEM_*`` environment variables)."""

from __future__ import annotations

from pydantic import Field

from tandem_service.settings import ServiceDeclaration, ServiceSettings


class EngagementSettings(ServiceSettings):
    """The engagement service's settings; its registry entry gives name, port and database."""

    declaration = ServiceDeclaration.of_package("tandem_engagement")
    sweeps_enabled: bool = True
    sweep_interval_seconds: float = Field(default=30.0, gt=0, le=3600)
