"""Exactly-once effect across republished events: claim each event id once per projection.

Offsets protect against redelivery of the same record; a relay crash between publishing and
recording its progress republishes whole events at new offsets, with the same ``ce_id``.
Claiming ids in the batch transaction makes those copies no-ops.
"""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

_CLAIM = """
INSERT INTO projection_applied (projection, event_id)
SELECT $1, unnest($2::text[])
ON CONFLICT DO NOTHING
RETURNING event_id
"""

# Republished copies arrive within one relay batch of the original; a week is ample.
RETENTION = "7 days"


async def claim(conn: asyncpg.Connection, projection: str, event_ids: Sequence[str]) -> list[bool]:
    """For each id, in order: True for its first sighting, False for a copy."""
    if not event_ids:
        return []
    # Sorted: runners of the group briefly applying the same records (a rebalance) claim
    # them in the same order, so they wait for one another instead of deadlocking.
    fresh = {r[0] for r in await conn.fetch(_CLAIM, projection, sorted(event_ids))}
    first: list[bool] = []
    for event_id in event_ids:
        first.append(event_id in fresh)
        fresh.discard(event_id)  # a second copy within the same batch is a copy too
    return first


async def forget_old(pool: asyncpg.Pool, projection: str) -> None:
    """Drop claims older than the retention; bounded table, no effect on correctness."""
    await pool.execute(
        f"DELETE FROM projection_applied WHERE projection = $1 "
        f"AND applied_at < now() - interval '{RETENTION}'",
        projection,
    )
