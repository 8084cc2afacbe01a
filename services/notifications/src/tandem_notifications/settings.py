"""Settings of the notifications service (``TANDEM_*`` environment variables)."""

from __future__ import annotations

from pydantic import Field, SecretStr

from tandem_service.settings import ServiceSettings


class NotificationsSettings(ServiceSettings):
    """The notifications service's settings; defaults fit the local stack."""

    service_name: str = "notifications"
    http_port: int = Field(default=8003, ge=1, le=65535)
    database_url: SecretStr = SecretStr(
        "postgresql://tandem_notifications:tandem_notifications@127.0.0.1:5432/tandem_notifications"
    )
