"""A service's settings default to its registry entry; production refuses local passwords."""

from pathlib import Path
from typing import ClassVar

import pytest
from pydantic import ValidationError

from tandem_service.settings import ServiceDeclaration, ServiceSettings

PRODUCTION_AUTH = {"env": "production", "jwt_jwks_url": "https://idp.example/jwks"}


class MentoringSettings(ServiceSettings):
    """A service the kit has never heard of."""

    declaration: ClassVar[ServiceDeclaration | None] = ServiceDeclaration(
        name="mentoring", summary="circles", port=8123, database="tandem_mentoring", cli="tm"
    )


def test_the_declaration_supplies_name_port_and_database() -> None:
    settings = MentoringSettings()
    assert settings.service_name == "mentoring"
    assert settings.http_port == 8123
    assert settings.database_url.get_secret_value() == (
        "postgresql://tandem_mentoring:tandem_mentoring@127.0.0.1:5432/tandem_mentoring"
    )


def test_the_environment_overrides_the_declaration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TANDEM_HTTP_PORT", "9001")
    monkeypatch.setenv("TANDEM_DATABASE_URL", "postgresql://svc:s3cret@db/x")
    settings = MentoringSettings()
    assert settings.http_port == 9001
    assert settings.database_url.get_secret_value() == "postgresql://svc:s3cret@db/x"


def test_production_refuses_a_declared_service_s_local_password() -> None:
    with pytest.raises(ValidationError, match="development password"):
        MentoringSettings(**PRODUCTION_AUTH)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://tandem_mentoring:tandem_mentoring@db/tandem_mentoring",
        "postgresql://tandem:tandem@db/postgres",
    ],
)
def test_production_refuses_local_stack_passwords(url: str) -> None:
    with pytest.raises(ValidationError, match="development password"):
        ServiceSettings(database_url=url, **PRODUCTION_AUTH)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://tandem_mentoring:Xk9-long-secret@db/tandem_mentoring",
        "postgresql://tandem_mentoring@db/tandem_mentoring",  # password from a .pgpass / IAM
    ],
)
def test_production_accepts_real_passwords(url: str) -> None:
    assert not ServiceSettings(database_url=url, **PRODUCTION_AUTH).is_development


def test_each_service_ships_its_declaration_in_its_package() -> None:
    services = Path(__file__).resolve().parents[4] / "services"
    packages = sorted(toml.parent.name for toml in services.glob("*/src/tandem_*/service.toml"))
    assert packages == sorted(f"tandem_{d.name}" for d in services.iterdir() if d.is_dir())
    for package in packages:
        assert ServiceDeclaration.of_package(package).name == package.removeprefix("tandem_")


def test_an_unknown_key_in_a_declaration_is_refused() -> None:
    with pytest.raises(ValidationError, match="prot"):
        ServiceDeclaration.model_validate(
            {"name": "x", "summary": "", "port": 1, "prot": 2, "database": "d", "cli": "c"}
        )
