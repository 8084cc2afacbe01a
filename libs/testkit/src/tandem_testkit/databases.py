"""One PostgreSQL database per test, cloned from a migrated template."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from pathlib import Path

import psycopg
from psycopg import sql

from tandem_service.database import apply_migrations

# Serialises template creation across pytest-xdist workers.
_TEMPLATE_LOCK = 7_340_001


def with_database(dsn: str, name: str) -> str:
    """``dsn`` pointing at database ``name``."""
    base, _, query = dsn.partition("?")
    head = base.rsplit("/", 1)[0]
    return f"{head}/{name}" + (f"?{query}" if query else "")


class DatabaseFactory:
    """Creates throwaway databases from migrated templates (one template per migration set)."""

    def __init__(self, admin_dsn: str) -> None:
        self._admin_dsn = admin_dsn
        self._templates: dict[str, str] = {}

    def create(self, migrations: Sequence[Path], prefix: str = "t") -> str:
        """A fresh database with ``migrations`` applied; returns its DSN."""
        template = self._template(migrations)
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self._admin_dsn, autocommit=True) as conn:
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(name), sql.Identifier(template)
                )
            )
        return with_database(self._admin_dsn, name)

    def drop(self, dsn: str) -> None:
        """Drop the database behind ``dsn``, closing whatever still holds it."""
        name = dsn.split("?")[0].rsplit("/", 1)[1]
        with psycopg.connect(self._admin_dsn, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    def _template(self, migrations: Sequence[Path]) -> str:
        digest = _digest(migrations)
        if digest in self._templates:
            return self._templates[digest]
        name = f"tpl_{digest}"
        with psycopg.connect(self._admin_dsn, autocommit=True) as conn:
            conn.execute("SELECT pg_advisory_lock(%s)", (_TEMPLATE_LOCK,))
            try:
                exists = conn.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
                ).fetchone()
                if not exists:
                    building = f"{name}_building"
                    conn.execute(
                        sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                            sql.Identifier(building)
                        )
                    )
                    conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(building)))
                    apply_migrations(with_database(self._admin_dsn, building), migrations)
                    # Renamed only once complete, so a crash never leaves a half-made template.
                    conn.execute(
                        sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                            sql.Identifier(building), sql.Identifier(name)
                        )
                    )
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (_TEMPLATE_LOCK,))
        self._templates[digest] = name
        return name


def _digest(migrations: Sequence[Path]) -> str:
    hasher = hashlib.sha256()
    for source in migrations:
        for path in sorted(Path(source).glob("*.sql")):
            hasher.update(path.name.encode())
            hasher.update(path.read_bytes())
    return hasher.hexdigest()[:16]
