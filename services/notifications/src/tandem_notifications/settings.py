"""Settings of the notifications service (``TANDEM_*`` environment variables)."""

from __future__ import annotations

from typing import Self

from pydantic import Field, SecretStr, model_validator

from tandem_service.settings import ServiceDeclaration, ServiceSettings

# Refused outside development by check_unsubscribe_secret.
DEV_UNSUBSCRIBE_SECRET = "dev-only-unsubscribe-secret-change-me"  # noqa: S105


class NotificationsSettings(ServiceSettings):
    """The notifications service's settings; its registry entry gives name, port and database."""

    declaration = ServiceDeclaration.of_package("tandem_notifications")

    public_url: str = "http://127.0.0.1:8003"
    matching_url: str = "http://127.0.0.1:8001"
    matching_token: SecretStr | None = Field(
        default=None, description="A bearer token with the service role; minted locally in dev."
    )
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=1025, ge=1, le=65535)
    smtp_start_tls: bool | None = None
    smtp_use_tls: bool = False
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_validate_certs: bool = True
    smtp_connections: int = Field(default=8, ge=1, le=100)
    smtp_timeout_seconds: float = Field(default=30, gt=0)
    mail_from: str = "tandem@tandem.local"
    mail_domain: str = "tandem.local"
    unsubscribe_secret: SecretStr = SecretStr(DEV_UNSUBSCRIBE_SECRET)
    webhook_allow_http: bool = False
    webhook_timeout_seconds: float = Field(default=10, gt=0)
    dispatch_enabled: bool = True
    dispatch_batch: int = Field(default=200, ge=1, le=5000)
    dispatch_concurrency: int = Field(default=16, ge=1, le=500)
    send_rate_per_second: float = Field(default=500, gt=0)
    lease_seconds: float = Field(default=120, gt=0)
    retry_max_attempts: int = Field(default=8, ge=1, le=50)
    retry_base_seconds: float = Field(default=30, gt=0)

    @model_validator(mode="after")
    def check_unsubscribe_secret(self) -> Self:
        """Outside development the unsubscribe links need a secret of their own."""
        if not self.is_development and (
            self.unsubscribe_secret.get_secret_value() == DEV_UNSUBSCRIBE_SECRET
        ):
            raise ValueError("set TANDEM_UNSUBSCRIBE_SECRET outside development")
        return self
