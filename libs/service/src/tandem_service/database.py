"""PostgreSQL access: the asyncpg pool, its readiness check and SQL migrations (yoyo)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import asyncpg
import orjson
from yoyo import get_backend, read_migrations

from tandem_service.health import CheckResult


class DatabaseConnection(asyncpg.Connection):  # type: ignore[misc]
    """A connection that knows the database it is on (``database``): what a process keeps in
    memory per database is keyed by it, as tests run many databases in one process."""

    __slots__ = ("database",)


async def _init_connection(conn: DatabaseConnection) -> None:
    # jsonb in and out as Python objects, encoded by orjson (fast, strict about NaN).
    await conn.set_type_codec(
        "jsonb",
        encoder=lambda v: orjson.dumps(v).decode(),
        decoder=orjson.loads,
        schema="pg_catalog",
    )
    conn.database = await conn.fetchval("SELECT current_database()")


def database_of(conn: asyncpg.Connection) -> str | None:
    """The database a pooled or dedicated connection of ours is on (None for another's)."""
    database: str | None = getattr(conn, "database", None)
    return database


async def connect(dsn: str) -> asyncpg.Connection:
    """One dedicated connection (outside any pool), speaking jsonb like the pool does."""
    conn = await asyncpg.connect(dsn, connection_class=DatabaseConnection)
    await _init_connection(conn)
    return conn


async def _keep_session(conn: asyncpg.Connection) -> None:
    """What a released connection needs beyond asyncpg's own rollback of an open transaction:
    nothing. By default asyncpg sends ``RESET ALL; UNLISTEN *; CLOSE ALL`` and unlocks session
    advisory locks on every release, one more round trip per command; pooled connections hold
    no such state here (locks are transaction-scoped, the relay's lock has its own connection).
    """


async def create_pool(dsn: str, max_size: int = 10) -> asyncpg.Pool:
    """An asyncpg pool whose connections speak jsonb as Python objects."""
    pool = await asyncpg.create_pool(
        dsn,
        min_size=1,
        max_size=max_size,
        init=_init_connection,
        reset=_keep_session,
        connection_class=DatabaseConnection,
        command_timeout=60,
    )
    assert pool is not None
    return pool


async def check_database(pool: asyncpg.Pool) -> CheckResult:
    """Readiness: one round trip to the database."""
    async with pool.acquire() as conn:
        await conn.fetchval("SELECT 1")
    return CheckResult(True)


def apply_migrations(dsn: str, sources: Sequence[Path]) -> int:
    """Apply every pending migration from ``sources`` in order; return how many ran."""
    backend = get_backend(_yoyo_url(dsn))
    migrations = read_migrations(*(str(s) for s in sources))
    try:
        with backend.lock():
            pending = backend.to_apply(migrations)
            backend.apply_migrations(pending)
    finally:
        # An open connection would keep a template database busy for CREATE DATABASE.
        backend.connection.close()
    return len(pending)


def _yoyo_url(dsn: str) -> str:
    # yoyo picks its driver from the scheme; psycopg 3 is the one we ship.
    scheme, rest = dsn.split("://", 1)
    return f"postgresql+psycopg://{rest}" if scheme in {"postgres", "postgresql"} else dsn
