"""A database migrated up to, but not including, one of matching's migrations."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tandem_matching.bootstrap import SERVICE
from tandem_service.database import apply_migrations
from tandem_testkit.databases import DatabaseFactory


@contextmanager
def database_before(factory: DatabaseFactory, scratch: Path, migration: str) -> Iterator[str]:
    """A database without ``migration`` (dropped afterwards); ``migrate`` applies it."""
    *kit, own = SERVICE.all_migrations
    before = scratch / "migrations"
    shutil.copytree(own, before, ignore=shutil.ignore_patterns(migration))
    dsn = factory.create([*kit, before], prefix=migration.split("_")[1])
    try:
        yield dsn
    finally:
        factory.drop(dsn)


def migrate(dsn: str) -> int:
    """Apply every migration the database lacks; how many there were."""
    return apply_migrations(dsn, SERVICE.all_migrations)
