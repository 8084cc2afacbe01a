"""The analyst views and grants: created by the migrations, re-created after a rebuild.

A rebuild renames shadow tables into place; views follow the renamed (retired) tables, so
they are replaced to read the new ones before the retired tables are dropped.
"""

from __future__ import annotations

from pathlib import Path

import asyncpg

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
VIEWS_SQL = MIGRATIONS / "analytics_0002_views.sql"
ACCESS_SQL = MIGRATIONS / "analytics_0003_analyst_access.sql"


async def recreate_views(conn: asyncpg.Connection) -> None:
    """Point every analyst view at the current tables and re-apply the analyst's grants."""
    await conn.execute(VIEWS_SQL.read_text())
    await grant_analyst(conn)


async def grant_analyst(conn: asyncpg.Connection) -> None:
    """Apply the analyst role's access to this database (also what a fresh clone lacks)."""
    await conn.execute(ACCESS_SQL.read_text())
