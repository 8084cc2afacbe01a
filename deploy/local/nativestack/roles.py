"""The databases and roles: one database per declared service, the admin, the analyst."""

from __future__ import annotations

from pathlib import Path

from nativestack.config import ADMIN, ANALYST, PG_SUPERUSER, services
from nativestack.postgres import pg_socket_dir
from nativestack.processes import run

# The analyst's guard rails. What it may read is granted by the migrations of the service
# that owns the database (views only), never by the stack.
ANALYST_TIMEOUT = "5s"


def bootstrap_sql() -> str:
    """Idempotent SQL for psql: roles (password = role name, local only), databases, grants."""
    declared = services()
    dbs = [s.database for s in declared]

    def arr(xs: list[str]) -> str:
        return "ARRAY[" + ",".join(f"'{x}'" for x in xs) + "]"

    sql = [
        "SET client_min_messages = warning;",
        "SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', r, r) "
        f"FROM unnest({arr([*dbs, ANALYST])}) AS r "
        "WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) \\gexec",
        # The admin creates and drops the tests' databases, cloning service databases as templates.
        "SELECT format('CREATE ROLE %I LOGIN CREATEDB CREATEROLE PASSWORD %L', "
        f"'{ADMIN}', '{ADMIN}') "
        f"WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{ADMIN}') \\gexec",
        "SELECT format('CREATE DATABASE %I OWNER %I', d, d) "
        f"FROM unnest({arr(dbs)}) AS d "
        "WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = d) \\gexec",
        f"GRANT {', '.join(dbs)} TO {ADMIN};",
        # Dropping a test database WITH (FORCE) ends its sessions, including an autovacuum
        # worker's or another role's: without this the drop fails now and then.
        f"GRANT pg_signal_backend TO {ADMIN};",
        f"ALTER ROLE {ANALYST} SET default_transaction_read_only = on;",
        f"ALTER ROLE {ANALYST} SET statement_timeout = '{ANALYST_TIMEOUT}';",
    ]
    for db in dbs:
        sql.append(f"REVOKE CONNECT ON DATABASE {db} FROM PUBLIC;")
        sql.append(f"GRANT CONNECT ON DATABASE {db} TO {ADMIN};")
    sql += [
        f"GRANT CONNECT ON DATABASE {s.database} TO {ANALYST};" for s in declared if s.analyst_reads
    ]
    return "\n".join(sql) + "\n"


def pg_bootstrap(bindir: Path, port: int) -> None:
    """Apply bootstrap_sql as the superuser over the Unix socket."""
    run(
        [
            str(bindir / "psql"),
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            str(pg_socket_dir()),
            "-p",
            str(port),
            "-U",
            PG_SUPERUSER,
            "-d",
            "postgres",
            "-f",
            "-",
        ],
        input=bootstrap_sql(),
    )
