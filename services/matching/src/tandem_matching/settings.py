"""Settings of the matching service (``TANDEM_*`` environment variables)."""

from __future__ import annotations

from pydantic import Field, SecretStr

from tandem_service.settings import ServiceSettings


class MatchingSettings(ServiceSettings):
    """The matching service's settings; defaults fit the local stack."""

    service_name: str = "matching"
    http_port: int = Field(default=8001, ge=1, le=65535)
    database_url: SecretStr = SecretStr(
        "postgresql://tandem_matching:tandem_matching@127.0.0.1:5432/tandem_matching"
    )
