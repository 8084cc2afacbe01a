"""Fixtures for the notifications service on the real servers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tandem_notifications.bootstrap import MIGRATIONS
from tandem_notifications.smtp_sink import SmtpSink
from tandem_testkit.databases import DatabaseFactory


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
