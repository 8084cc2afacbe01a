"""Settings of the analytics service (``TANDEM_*`` environment variables)."""

from __future__ import annotations

from typing import Self

from pydantic import Field, SecretStr, model_validator

from tandem_service.settings import ServiceSettings

DEVELOPMENT_PSEUDONYM_KEY = "development-only-pseudonym-key"


class AnalyticsSettings(ServiceSettings):
    """The analytics service's settings; defaults fit the local stack."""

    service_name: str = "analytics"
    http_port: int = Field(default=8004, ge=1, le=65535)
    database_url: SecretStr = SecretStr(
        "postgresql://tandem_analytics:tandem_analytics@127.0.0.1:5432/tandem_analytics"
    )
    # The HMAC key behind people's pseudonyms (TANDEM_PSEUDONYM_KEY); changing it changes
    # every pseudonym, so a rebuild is needed after a rotation.
    pseudonym_key: SecretStr = SecretStr(DEVELOPMENT_PSEUDONYM_KEY)
    # Live tiles (faust, approximate): check-ins this hour, active pairs, milestones today.
    live_tiles: bool = True

    @model_validator(mode="after")
    def check_pseudonym_key(self) -> Self:
        """Outside development the pseudonym key must be a real secret."""
        if not self.is_development and (
            self.pseudonym_key.get_secret_value() == DEVELOPMENT_PSEUDONYM_KEY
        ):
            raise ValueError("set TANDEM_PSEUDONYM_KEY outside development")
        return self
