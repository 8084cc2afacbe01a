"""Matching's integration tests run the service from the test kit's ``service`` fixture."""

from __future__ import annotations

import pytest

from tandem_matching.bootstrap import SERVICE
from tandem_service.bootstrap import ServiceDefinition


@pytest.fixture(scope="module")
def service_definition() -> ServiceDefinition:
    """The service the kit's ``service`` fixture runs."""
    return SERVICE
