"""Settings of the analytics service (``TANDEM_*`` environment variables)."""

from __future__ import annotations

from typing import Self

from pydantic import SecretStr, model_validator

from tandem_service.settings import ServiceDeclaration, ServiceSettings

DEVELOPMENT_PSEUDONYM_KEY = "development-only-pseudonym-key"


class AnalyticsSettings(ServiceSettings):
    """The analytics service's settings; its registry entry gives name, port and database."""

    declaration = ServiceDeclaration.of_package("tandem_analytics")
    # The HMAC key behind people's pseudonyms (TANDEM_PSEUDONYM_KEY); changing it changes
    # every pseudonym, so a rebuild is needed after a rotation.
    pseudonym_key: SecretStr = SecretStr(DEVELOPMENT_PSEUDONYM_KEY)
    # Live tiles (faust, approximate): check-ins this hour, active pairs, milestones today.
    live_tiles: bool = True
    # The shortest pause between refreshes of the stored analyst views (longer after a long
    # refresh: see refresh.py). TANDEM_VIEW_REFRESH_SECONDS=0 turns the timer off.
    view_refresh_seconds: float = 10.0

    @model_validator(mode="after")
    def check_pseudonym_key(self) -> Self:
        """Outside development the pseudonym key must be a real secret."""
        if not self.is_development and (
            self.pseudonym_key.get_secret_value() == DEVELOPMENT_PSEUDONYM_KEY
        ):
            raise ValueError("set TANDEM_PSEUDONYM_KEY outside development")
        return self
