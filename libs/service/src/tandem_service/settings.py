"""The settings base every Tandem service extends (12-factor, ``TANDEM_*`` variables)."""

from __future__ import annotations

import tomllib
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# The local stacks' administrator role; every other role there has its own name as password.
DEVELOPMENT_ADMIN = "tandem"


class Environment(StrEnum):
    """Where a service runs; decides how strict the settings are."""

    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class ServiceDeclaration(BaseModel):
    """One service's entry in the service registry: the ``service.toml`` in its package."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    summary: str
    port: int = Field(ge=1, le=65535)
    database: str
    cli: str
    publishes: tuple[str, ...] = ()
    consumes: tuple[str, ...] = ()
    analyst_reads: bool = False
    # Defaults deploy/local gives the service's environment, as (name, value) pairs in name
    # order, the way the stack's own reader keeps them; "{url:NAME}" is where NAME answers.
    local_env: tuple[tuple[str, str], ...] = ()

    @field_validator("local_env", mode="before")
    @classmethod
    def _pairs(cls, value: object) -> object:
        return tuple(sorted(value.items())) if isinstance(value, dict) else value

    @classmethod
    def of_package(cls, package: str) -> ServiceDeclaration:
        """Read the declaration shipped inside ``package`` (so images carry it too)."""
        text = resources.files(package).joinpath("service.toml").read_text()
        return cls.model_validate(tomllib.loads(text))

    @property
    def development_database_url(self) -> str:
        """The service's database on the local stacks, whose password is the role's name."""
        db = self.database
        return f"postgresql://{db}:{db}@127.0.0.1:5432/{db}"


class ServiceSettings(BaseSettings):
    """Settings shared by every service; each service subclasses it with its own defaults."""

    model_config = SettingsConfigDict(env_prefix="TANDEM_", env_file=None, extra="ignore")

    env: Environment = Environment.DEVELOPMENT
    service_name: str = "tandem"
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8000, ge=1, le=65535)
    # HTTP worker processes on the one port (uvicorn's supervisor); each runs the whole app,
    # so run the relay, consumers and sweeps in a deployment of their own when this is > 1.
    http_workers: int = Field(default=1, ge=1, le=64)
    log_level: str = "INFO"
    database_url: SecretStr = SecretStr("postgresql://tandem:tandem@127.0.0.1:5432/postgres")
    database_pool_max: int = Field(default=10, ge=1, le=200)
    kafka_bootstrap: str = "127.0.0.1:9092"
    kafka_client_id: str | None = None
    topic_prefix: str = ""
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    kafka_sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] = "SCRAM-SHA-512"
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = None
    kafka_partitions: int = Field(default=3, ge=1, le=1000)
    kafka_replication_factor: int = Field(default=1, ge=1, le=7)
    relay_enabled: bool = True
    consumers_enabled: bool = True
    ready_max_lag: int = Field(default=10_000, ge=0)
    jwt_jwks_url: str | None = None
    jwt_public_key_file: Path | None = None
    jwt_private_key_file: Path | None = None
    jwt_issuer: str = "tandem-dev"
    jwt_audience: str = "tandem"
    dev_keys_dir: Path = Path(".local/dev-keys")
    # Idempotency records older than this are pruned every interval (0: never, e.g. in tests).
    idempotency_keep_days: int = Field(default=30, ge=1, le=3650)
    idempotency_prune_seconds: float = Field(default=3600.0, ge=0)
    # Where the service's clock starts from real time (tests and the demo jump ahead).
    clock_offset_days: float = Field(default=0.0, ge=-3650, le=3650)
    # POST /dev/clock moves the clock at run time; unset means on in development only.
    dev_clock: bool | None = None

    # A service's subclass sets this; it supplies the defaults of the three fields it names.
    declaration: ClassVar[ServiceDeclaration | None] = None

    @model_validator(mode="before")
    @classmethod
    def fill_declared_defaults(cls, data: Any) -> Any:
        """Default the name, port and database from the service's registry entry."""
        if cls.declaration is None or not isinstance(data, dict):
            return data
        declared = {
            "service_name": cls.declaration.name,
            "http_port": cls.declaration.port,
            "database_url": cls.declaration.development_database_url,
        }
        return declared | data

    def kafka_options(self) -> dict[str, Any]:
        """Connection options for every aiokafka client: TLS and SASL when configured."""
        options: dict[str, Any] = {"security_protocol": self.kafka_security_protocol}
        if self.kafka_security_protocol.endswith("SSL"):
            # Loaded only here: reading the settings should not load the Kafka client.
            from aiokafka.helpers import create_ssl_context

            options["ssl_context"] = create_ssl_context()
        if self.kafka_security_protocol.startswith("SASL"):
            options["sasl_mechanism"] = self.kafka_sasl_mechanism
            options["sasl_plain_username"] = self.kafka_sasl_username
            options["sasl_plain_password"] = (
                self.kafka_sasl_password.get_secret_value() if self.kafka_sasl_password else None
            )
        return options

    @property
    def is_development(self) -> bool:
        """True where development shortcuts (local signing key, local passwords) are allowed."""
        return self.env is not Environment.PRODUCTION

    @property
    def dev_clock_enabled(self) -> bool:
        """Whether the service serves ``/dev/clock`` (never in production)."""
        if self.dev_clock is None:
            return self.env is Environment.DEVELOPMENT
        return self.dev_clock

    @model_validator(mode="after")
    def check_real_time_outside_development(self) -> Self:
        """Refuse a moved or movable clock outside development: real reminders need real time."""
        if self.is_development:
            return self
        if self.dev_clock:
            raise ValueError("TANDEM_DEV_CLOCK (a movable clock) is refused outside development")
        if self.clock_offset_days:
            raise ValueError("TANDEM_CLOCK_OFFSET_DAYS is refused outside development")
        return self

    @model_validator(mode="after")
    def check_no_default_secrets(self) -> Self:
        """Refuse development credentials and keys outside development."""
        if self.is_development:
            return self
        if _has_development_password(self.database_url.get_secret_value()):
            raise ValueError("TANDEM_DATABASE_URL uses a development password outside development")
        if not (self.jwt_jwks_url or self.jwt_public_key_file):
            raise ValueError(
                "set TANDEM_JWT_JWKS_URL or TANDEM_JWT_PUBLIC_KEY_FILE outside development"
            )
        if self.jwt_private_key_file is not None:
            raise ValueError("TANDEM_JWT_PRIVATE_KEY_FILE (a dev signing key) is refused here")
        return self


def _has_development_password(url: str) -> bool:
    """Whether a libpq URL carries a local-stack password (the role's own name, or the admin's)."""
    rest = url.split("://", 1)[-1]
    if "@" not in rest:
        return False
    user, colon, password = rest.rsplit("@", 1)[0].partition(":")
    return bool(colon) and password in {user, DEVELOPMENT_ADMIN}
