"""Read-only queries behind the owners' API."""

from __future__ import annotations

from typing import Any

import asyncpg


async def delivery_status(pool: asyncpg.Pool, program_id: str) -> list[dict[str, Any]]:
    """Counts per kind, channel and status for one program (never content, never who)."""
    rows = await pool.fetch(
        "SELECT kind, channel, status, count(*)::int AS count FROM deliveries"
        " WHERE program_id = $1 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
        program_id,
    )
    return [dict(r) for r in rows]
