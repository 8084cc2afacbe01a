import pytest
from pydantic import ValidationError

from tandem_service.settings import ServiceSettings


def test_development_accepts_local_defaults() -> None:
    assert ServiceSettings().is_development


def test_production_refuses_the_development_database_password() -> None:
    with pytest.raises(ValidationError, match="development password"):
        ServiceSettings(env="production", jwt_jwks_url="https://idp.example/jwks")


def test_production_requires_a_real_key_source() -> None:
    with pytest.raises(ValidationError, match="JWKS"):
        ServiceSettings(env="production", database_url="postgresql://svc:s3cret@db/x")


def test_production_refuses_a_dev_signing_key() -> None:
    with pytest.raises(ValidationError, match="dev signing key"):
        ServiceSettings(
            env="production",
            database_url="postgresql://svc:s3cret@db/x",
            jwt_jwks_url="https://idp.example/jwks",
            jwt_private_key_file="/keys/dev.pem",
        )


def test_production_with_real_secrets_is_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TANDEM_ENV", "production")
    monkeypatch.setenv("TANDEM_DATABASE_URL", "postgresql://svc:s3cret@db/x")
    monkeypatch.setenv("TANDEM_JWT_JWKS_URL", "https://idp.example/jwks")
    settings = ServiceSettings()
    assert not settings.is_development
    assert settings.database_url.get_secret_value().endswith("@db/x")


def test_kafka_options_carry_sasl_over_tls_when_configured() -> None:
    settings = ServiceSettings(
        kafka_security_protocol="SASL_SSL",
        kafka_sasl_mechanism="SCRAM-SHA-256",
        kafka_sasl_username="tandem",
        kafka_sasl_password="s3cret",
    )
    options = settings.kafka_options()
    assert options["security_protocol"] == "SASL_SSL"
    assert options["sasl_mechanism"] == "SCRAM-SHA-256"
    assert options["sasl_plain_username"] == "tandem"
    assert options["sasl_plain_password"] == "s3cret"
    assert options["ssl_context"] is not None


def test_plaintext_kafka_needs_no_options_beyond_the_protocol() -> None:
    assert ServiceSettings().kafka_options() == {"security_protocol": "PLAINTEXT"}
