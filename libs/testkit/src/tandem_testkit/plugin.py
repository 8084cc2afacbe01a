"""The pytest plugin: session-wide real servers, per-test databases and topic names."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator

import pytest

from tandem_testkit.databases import DatabaseFactory
from tandem_testkit.servers import Servers, locate_servers


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
    return DatabaseFactory(postgres_dsn)


@pytest.fixture
def topic_name() -> Callable[[str], str]:
    """Unique topic names for this test, so tests never see each other's records."""
    run = f"{os.environ.get('PYTEST_XDIST_WORKER', 'gw')}-{uuid.uuid4().hex[:10]}"
    return lambda name: f"test.{run}.{name}"
