"""The drill's verdicts, once the load has stopped and everything has converged.

Each returns the problems it found (empty: the property holds), so one run reports them all.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

import asyncpg

from tandem_events.projection import Projection
from tandem_events.rebuild import SHADOW, rebuild_projection

from .workload import ce_ids, read_topics

SAMPLE = 5  # differing rows shown per table


async def log_matches_store(pool: asyncpg.Pool, bootstrap: str, topic: str) -> list[str]:
    """Every stored event is on ``topic`` exactly once, each stream in version order, and the
    topic holds nothing the store does not."""
    rows = await pool.fetch("SELECT event_id::text, stream_id, version FROM events")
    stored = {r["event_id"]: (r["stream_id"], r["version"]) for r in rows}
    records = await read_topics(bootstrap, [topic], timeout=60)
    seen = Counter(ce_ids(records))
    problems = [f"{topic}: {n} copies of {i}" for i, n in seen.items() if n > 1][:SAMPLE]
    missing = set(stored) - set(seen)
    stray = set(seen) - set(stored)
    if missing:
        problems.append(f"{topic}: {len(missing)} stored events never published")
    if stray:
        problems.append(f"{topic}: {len(stray)} records the store does not hold")
    versions: dict[str, list[int]] = defaultdict(list)
    for event_id in ce_ids(records):  # partition by partition, in offset order
        if event_id in stored:
            stream, version = stored[event_id]
            versions[stream].append(version)
    disordered = [s for s, v in versions.items() if v != sorted(v)]
    if disordered:
        problems.append(f"{topic}: {len(disordered)} streams out of order, e.g. {disordered[0]}")
    return problems


async def accepted_stored_once(
    pool: asyncpg.Pool, event_type: str, field: str, accepted: Sequence[str]
) -> list[str]:
    """Each accepted command's event (found by ``field`` of its data) is stored exactly once."""
    rows = await pool.fetch(
        "SELECT payload->>$2 AS id, count(*) AS n FROM events WHERE event_type = $1 GROUP BY 1",
        event_type,
        field,
    )
    stored = {r["id"]: r["n"] for r in rows}
    lost = [a for a in accepted if a not in stored]
    doubled = [a for a in accepted if stored.get(a, 0) > 1]
    problems = []
    if lost:
        problems.append(f"{event_type}: {len(lost)} accepted but not stored, e.g. {lost[0]}")
    if doubled:
        problems.append(f"{event_type}: {len(doubled)} stored twice, e.g. {doubled[0]}")
    return problems


async def projections_match_rebuild(
    pool: asyncpg.Pool, bootstrap: str, prefix: str, projections: Sequence[Projection]
) -> list[str]:
    """Replay each projection from the log into shadow tables and compare them row by row
    with the live ones (the live tables are left as they are)."""
    problems = []
    for projection in [p for p in projections if p.tables]:
        await rebuild_projection(
            pool, bootstrap, projection, topic_prefix=prefix, show_progress=False, swap=False
        )
        async with pool.acquire() as conn:
            for table in projection.tables:
                shadow = SHADOW.format(table)
                differ = await conn.fetch(
                    f"(TABLE {table} EXCEPT ALL TABLE {shadow}) UNION ALL "
                    f"(TABLE {shadow} EXCEPT ALL TABLE {table}) LIMIT {SAMPLE}"
                )
                if differ:
                    live = await conn.fetchval(f"SELECT count(*) FROM {table}")
                    rebuilt = await conn.fetchval(f"SELECT count(*) FROM {shadow}")
                    problems.append(
                        f"{projection.name}.{table}: {live} live rows, {rebuilt} rebuilt; "
                        f"differing e.g. {[dict(r) for r in differ]}"
                    )
                await conn.execute(f"DROP TABLE {shadow}")
            await conn.execute(
                "DELETE FROM projection_applied WHERE projection = $1",
                SHADOW.format(projection.name),
            )
    return problems
