"""What a fresh PostgreSQL must hold after either init (deploy/local or the compose script)."""

from __future__ import annotations

from pathlib import Path

import psycopg
from nativestack import registry

from tandem_testkit.servers import repo_root

SERVICES = registry.services(repo_root())


def assert_databases_and_roles(admin: psycopg.Connection) -> None:
    """One database per declared service, owned by its role; the analyst locked down."""
    owners = dict(
        admin.execute(
            "SELECT datname, pg_get_userbyid(datdba) FROM pg_database WHERE datname LIKE 'tandem%'"
        ).fetchall()
    )
    for service in SERVICES:
        assert owners[service.database] == service.database
    (settings,) = admin.execute(
        "SELECT rolconfig FROM pg_roles WHERE rolname = 'tandem_analyst' AND rolcanlogin"
    ).fetchone() or (None,)
    assert settings is not None, "the analyst role logs in"
    assert {"default_transaction_read_only=on", "statement_timeout=5s"} <= set(settings)
    for service in SERVICES:
        (connect,) = admin.execute(
            "SELECT has_database_privilege('tandem_analyst', %s, 'CONNECT')", [service.database]
        ).fetchone() or (None,)
        assert connect is service.analyst_reads, service.database


def assert_nothing_granted_inside(analytics: psycopg.Connection) -> None:
    """The stack grants the analyst nothing in the database: the service's migrations do."""
    schemas = analytics.execute("SELECT nspname FROM pg_namespace").fetchall()
    assert ("analyst",) not in schemas
    grants = analytics.execute(
        "SELECT count(*) FROM pg_default_acl WHERE array_to_string(defaclacl, ',') LIKE "
        "'%tandem_analyst%'"
    ).fetchone()
    assert grants == (0,)


def analytics_database() -> str:
    """The database the analyst may connect to."""
    (database,) = [s.database for s in SERVICES if s.analyst_reads]
    return database


def socket_dsn(sockdir: Path, port: int, database: str) -> str:
    """A superuser connection over the Unix socket."""
    return f"host={sockdir} port={port} user=postgres dbname={database}"
