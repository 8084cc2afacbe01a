"""The operator commands every service has, run against a real database."""

from __future__ import annotations

import asyncio
import os

import asyncpg
from typer.testing import CliRunner

from tandem_engagement.bootstrap import SERVICE
from tandem_engagement.cli import app
from tandem_events.key_wrapping import SecretKeyWrapper
from tandem_events.sealing import PersonKeyring
from tandem_service.database import create_pool
from tandem_testkit.databases import DatabaseFactory


def test_erase_person_destroys_the_key_and_rebuild_refuses_an_unknown_projection(
    database_factory: DatabaseFactory, kafka_bootstrap: str
) -> None:
    dsn = database_factory.create(SERVICE.all_migrations, prefix="ops")
    env = {"TANDEM_DATABASE_URL": dsn, "TANDEM_KAFKA_BOOTSTRAP": kafka_bootstrap}

    async def seal() -> str:
        pool = await create_pool(dsn)
        try:
            return await PersonKeyring(pool, SecretKeyWrapper(os.urandom(32))).seal(
                "ana", "private words"
            )
        finally:
            await pool.close()

    try:
        sealed = asyncio.run(seal())
        result = CliRunner().invoke(app, ["erase-person", "ana"], env=env)
        assert result.exit_code == 0, result.output
        assert "ana: key destroyed" in result.output

        async def keys_left() -> int:
            conn = await asyncpg.connect(dsn)
            try:
                return int(await conn.fetchval("SELECT count(*) FROM keyring.person_keys"))
            finally:
                await conn.close()

        assert asyncio.run(keys_left()) == 0
        assert sealed.startswith("sealed:v1:")

        unknown = CliRunner().invoke(app, ["rebuild-projection", "nope"], env=env)
        assert unknown.exit_code == 2
        assert "no projection 'nope'" in unknown.output
    finally:
        database_factory.drop(dsn)
