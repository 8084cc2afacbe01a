"""Settings of the engagement service (``TANDEM_*`` environment variables)."""

from __future__ import annotations

from pydantic import Field, SecretStr

from tandem_service.settings import ServiceSettings


class EngagementSettings(ServiceSettings):
    """The engagement service's settings; defaults fit the local stack."""

    service_name: str = "engagement"
    http_port: int = Field(default=8002, ge=1, le=65535)
    database_url: SecretStr = SecretStr(
        "postgresql://tandem_engagement:tandem_engagement@127.0.0.1:5432/tandem_engagement"
    )
