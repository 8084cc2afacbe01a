"""The pytest plugin: session-wide real servers, per-test databases and topic names."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

from tandem_testkit.backbone_fixtures import (
    activity_dsn,
    activity_pool,
    events_dsn,
    events_pool,
    private_kafka,
)
from tandem_testkit.eventually import fresh_key
from tandem_testkit.servers import Servers, locate_servers

__all__ = ["activity_dsn", "activity_pool", "events_dsn", "events_pool", "private_kafka"]

if TYPE_CHECKING:  # databases and the web stack load only for tests that use them
    from tandem_service.bootstrap import ServiceDefinition
    from tandem_testkit.databases import DatabaseFactory
    from tandem_testkit.service import RunningService


@pytest.fixture(scope="session")
def tandem_servers() -> Iterator[Servers]:
    """The Kafka broker and PostgreSQL server for this test session."""
    servers = locate_servers()
    try:
        yield servers
    finally:
        servers.close()


@pytest.fixture(scope="session")
def kafka_bootstrap(tandem_servers: Servers) -> str:
    """Bootstrap address of a real Kafka broker."""
    return tandem_servers.kafka_bootstrap


@pytest.fixture(scope="session")
def postgres_dsn(tandem_servers: Servers) -> str:
    """DSN of a PostgreSQL role that may create databases."""
    return tandem_servers.admin_dsn


@pytest.fixture(scope="session")
def database_factory(postgres_dsn: str) -> DatabaseFactory:
    """Makes per-test databases cloned from migrated templates."""
    from tandem_testkit.databases import DatabaseFactory

    return DatabaseFactory(postgres_dsn)


@pytest.fixture
def topic_name() -> Callable[[str], str]:
    """Unique topic names for this test, so tests never see each other's records."""
    run = f"{os.environ.get('PYTEST_XDIST_WORKER', 'gw')}-{uuid.uuid4().hex[:10]}"
    return lambda name: f"test.{run}.{name}"


@pytest.fixture
def idempotency_key() -> dict[str, str]:
    """A fresh ``Idempotency-Key`` header (call :func:`fresh_key` for more)."""
    return fresh_key()


@pytest.fixture(scope="module")
def service_settings() -> dict[str, Any]:
    """Settings the ``service`` fixture passes on (override per module: ``dev_clock=True``)."""
    return {}


@pytest.fixture(scope="module")
def service(
    service_definition: ServiceDefinition[Any],
    service_settings: dict[str, Any],
    kafka_bootstrap: str,
    database_factory: DatabaseFactory,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[RunningService]:
    """The service that ``service_definition`` declares, running for this test module."""
    from tandem_testkit.service import running_service

    keys_dir = tmp_path_factory.mktemp("keys")
    with running_service(
        service_definition, kafka_bootstrap, database_factory, keys_dir, **service_settings
    ) as svc:
        yield svc
