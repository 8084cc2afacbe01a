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
