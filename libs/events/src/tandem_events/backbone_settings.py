"""The backbone's own settings, read from ``TANDEM_*`` beside the service's (no edit there)."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class BackboneSettings(BaseSettings):
    """Key-encryption keys and the parked-event horizon."""

    model_config = SettingsConfigDict(env_prefix="TANDEM_", env_file=None, extra="ignore")

    # 32 random bytes, base64; outside the database (a Kubernetes Secret, a vault).
    key_encryption_key: SecretStr | None = None
    # Retired KEKs (comma-separated) still unwrap during a rotation; drop them afterwards.
    key_encryption_key_previous: SecretStr | None = None
    # How long a parked event waits for what it depends on before it is dead-lettered.
    park_horizon_hours: float = Field(default=48.0, gt=0)
