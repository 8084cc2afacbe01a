"""Fixtures for the deployment checks (helpers live in deployment_kit.py beside this file)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from deployment_kit import (
    PRODUCTION_VALUES,
    SERVICES,
    Manifest,
    ServiceCode,
    load_service_code,
    render,
)


@pytest.fixture(scope="session")
def default_manifests() -> list[Manifest]:
    """The chart rendered with its default values."""
    return render()


@pytest.fixture(scope="session")
def production_manifests() -> list[Manifest]:
    """The chart rendered with ci/production-values.yaml."""
    return render(PRODUCTION_VALUES)


@pytest.fixture(scope="session", params=["default", "production"])
def manifests(request: pytest.FixtureRequest) -> list[Manifest]:
    """Each of the two renders in turn."""
    return request.getfixturevalue(f"{request.param}_manifests")


@pytest.fixture(scope="session")
def service_code(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ServiceCode]:
    """Each service's settings class and the routes of the app its bootstrap builds."""
    return {s: load_service_code(s, tmp_path_factory.mktemp(f"{s}-keys")) for s in SERVICES}
