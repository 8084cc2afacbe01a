"""The analyst views and grants: created by the migrations, re-created after a rebuild.

A rebuild renames shadow tables into place; views follow the renamed (retired) tables, so
they are replaced to read the new ones before the retired tables are dropped. Most views
read rows the service computed and stored (materialized views): ``refresh_views`` computes
them again, concurrently, so analysts keep reading the previous rows meanwhile.
"""

from __future__ import annotations

from pathlib import Path

import asyncpg

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
# The latest complete definition of the views (it supersedes analytics_0002_views.sql).
VIEWS_SQL = MIGRATIONS / "analytics_0006_materialized_views.sql"
ACCESS_SQL = MIGRATIONS / "analytics_0003_analyst_access.sql"
MATERIALIZED = (
    "participation_monthly", "engagement_monthly", "pair_health_monthly", "retention_cohorts",
    "pair_survival", "pair_end_reasons", "re_enrolment", "pulse_monthly", "department_matrix",
    "milestones_monthly",
)  # fmt: skip
# How far into the topics the projections are: what a refresh has computed from.
OFFSETS = "SELECT coalesce(sum(next_offset), 0)::bigint FROM projection_offsets"


async def recreate_views(conn: asyncpg.Connection) -> None:
    """Point every analyst view at the current tables and re-apply the analyst's grants."""
    await conn.execute(VIEWS_SQL.read_text())
    await grant_analyst(conn)


async def grant_analyst(conn: asyncpg.Connection) -> None:
    """Apply the analyst role's access to this database (also what a fresh clone lacks)."""
    await conn.execute(ACCESS_SQL.read_text())


async def refresh_views(conn: asyncpg.Connection) -> None:
    """Compute every stored view again from the facts, and note when and from how far.

    The offsets are read first: rows applied during the refresh may or may not be in it,
    so the note never claims more than the views hold.
    """
    offsets = await conn.fetchval(OFFSETS)
    for view in MATERIALIZED:
        await conn.execute(f"REFRESH MATERIALIZED VIEW CONCURRENTLY analytics_private.{view}")
    await conn.execute(
        "INSERT INTO view_refreshes (refreshed_at, offsets) VALUES (now(), $1)"
        " ON CONFLICT (singleton) DO UPDATE SET refreshed_at = EXCLUDED.refreshed_at,"
        " offsets = EXCLUDED.offsets",
        offsets,
    )


async def refresh_views_at(dsn: str) -> None:
    """``refresh_views`` on a connection of its own (the command, the bench, the tests)."""
    conn = await asyncpg.connect(dsn)
    try:
        await refresh_views(conn)
    finally:
        await conn.close()


async def refreshed_offsets(conn: asyncpg.Connection) -> int:
    """The offsets the stored views were last computed from (-1: never)."""
    done = await conn.fetchval("SELECT offsets FROM view_refreshes")
    return -1 if done is None else int(done)
