"""Fixtures for the notifications service on the real servers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tandem_notifications.bootstrap import MIGRATIONS
from tandem_notifications.smtp_sink import SmtpSink
from tandem_testkit.databases import DatabaseFactory

from .stack import Running, running_service


@pytest.fixture(scope="module")
def notifications_dsn(database_factory: DatabaseFactory) -> Iterator[str]:
    """A migrated notifications database for this test module."""
    dsn = database_factory.create(MIGRATIONS, prefix="notifications")
    try:
        yield dsn
    finally:
        database_factory.drop(dsn)


@pytest.fixture
def fresh_dsn(database_factory: DatabaseFactory) -> Iterator[str]:
    """A migrated database of this test's own."""
    dsn = database_factory.create(MIGRATIONS, prefix="notifications")
    try:
        yield dsn
    finally:
        database_factory.drop(dsn)


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    """A real SMTP server on loopback that keeps what it accepts."""
    sink = SmtpSink().start()
    try:
        yield sink
    finally:
        sink.stop()


@pytest.fixture(scope="module")
def service_settings() -> dict[str, Any]:
    """Settings a test module gives its service (a module overrides this fixture)."""
    return {}


@pytest.fixture(scope="module")
def service(
    kafka_bootstrap: str,
    notifications_dsn: str,
    tmp_path_factory: pytest.TempPathFactory,
    service_settings: dict[str, Any],
) -> Iterator[Running]:
    """The service on this module's database, with matching's directory stub and an SMTP sink."""
    keys = tmp_path_factory.mktemp("keys")
    with running_service(kafka_bootstrap, notifications_dsn, keys, **service_settings) as running:
        yield running
