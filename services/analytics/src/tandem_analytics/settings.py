"""Settings of the analytics service (``TANDEM_*`` environment variables)."""

from __future__ import annotations

from pydantic import Field, SecretStr

from tandem_service.settings import ServiceSettings


class AnalyticsSettings(ServiceSettings):
    """The analytics service's settings; defaults fit the local stack."""

    service_name: str = "analytics"
    http_port: int = Field(default=8004, ge=1, le=65535)
    database_url: SecretStr = SecretStr(
        "postgresql://tandem_analytics:tandem_analytics@127.0.0.1:5432/tandem_analytics"
    )
