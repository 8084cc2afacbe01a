"""The service clock, and the settings that allow moving it only outside production."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from pydantic import ValidationError

from tandem_service.clock import ClockOffsetOutOfRange, ServiceClock
from tandem_service.settings import ServiceSettings

if TYPE_CHECKING:
    from tandem_service.bootstrap import ServiceDefinition

BASE = datetime(2026, 3, 4, 10, tzinfo=UTC)
PRODUCTION = {
    "env": "production",
    "database_url": "postgresql://svc:s3cret@db/x",
    "jwt_jwks_url": "https://idp.example/jwks",
}


def test_the_clock_is_its_base_moved_by_the_offset() -> None:
    clock = ServiceClock(lambda: BASE, timedelta(days=2))
    assert clock() == BASE + timedelta(days=2)
    clock.advance(timedelta(days=7))
    assert clock() == BASE + timedelta(days=9)
    clock.move_to(timedelta())
    assert clock() == BASE


def test_the_clock_refuses_offsets_beyond_ten_years_and_keeps_its_time() -> None:
    clock = ServiceClock(lambda: BASE, timedelta(days=3000))
    with pytest.raises(ClockOffsetOutOfRange):
        clock.advance(timedelta(days=700))
    assert clock() == BASE + timedelta(days=3000)
    with pytest.raises(ClockOffsetOutOfRange):
        ServiceClock(lambda: BASE, timedelta(days=-3651))


def test_the_movable_clock_is_on_in_development_and_off_in_tests_unless_asked() -> None:
    assert ServiceSettings(env="development").dev_clock_enabled
    assert not ServiceSettings(env="test").dev_clock_enabled
    assert ServiceSettings(env="test", dev_clock=True).dev_clock_enabled
    assert not ServiceSettings(env="development", dev_clock=False).dev_clock_enabled
    assert not ServiceSettings(**PRODUCTION).dev_clock_enabled


def test_production_refuses_a_movable_clock() -> None:
    with pytest.raises(ValidationError, match="TANDEM_DEV_CLOCK"):
        ServiceSettings(**PRODUCTION, dev_clock=True)


def test_production_refuses_a_moved_clock() -> None:
    with pytest.raises(ValidationError, match="TANDEM_CLOCK_OFFSET_DAYS"):
        ServiceSettings(**PRODUCTION, clock_offset_days=7)


def _definition(tmp_path: Path, **declared: Any) -> ServiceDefinition[ServiceSettings]:
    # Imported here: every xdist worker collects every unit module, and the bootstrap loads
    # the web stack; only the worker that runs these tests should pay for it.
    from tandem_service.bootstrap import ServiceDefinition

    return ServiceDefinition("probe", ServiceSettings, "probe", migrations=tmp_path, **declared)


def _routes(settings: ServiceSettings, tmp_path: Path) -> set[str]:
    definition = _definition(tmp_path)
    return set(definition.build_app(settings).openapi()["paths"])


def test_only_a_service_allowed_a_movable_clock_serves_dev_clock(tmp_path: Path) -> None:
    assert "/dev/clock" in _routes(ServiceSettings(env="development"), tmp_path)
    assert "/dev/clock" not in _routes(ServiceSettings(env="test"), tmp_path)
    assert "/dev/clock" not in _routes(ServiceSettings(**PRODUCTION), tmp_path)


def test_the_declared_offset_moves_the_service_clock(tmp_path: Path) -> None:
    definition = _definition(tmp_path, clock=lambda _: lambda: BASE)
    clock = definition.clock_for(ServiceSettings(clock_offset_days=3))
    assert clock() == BASE + timedelta(days=3)
    assert definition.clock_for(ServiceSettings(), lambda: BASE - timedelta(days=1))() == (
        BASE - timedelta(days=1)
    )
