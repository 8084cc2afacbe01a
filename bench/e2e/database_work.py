"""Transactions and rows per check-in in each bench database, and which tables were scanned.

PostgreSQL's cumulative statistics, flushed by each backend about once a second: compare
readings taken many seconds apart. A table read sequentially on every event shows up here
long before it shows in latency (the timeline's member lookup did: ADR 0034).
"""

from __future__ import annotations

import asyncpg

_DATABASE = """
SELECT xact_commit, tup_returned, tup_fetched, tup_inserted, tup_updated, tup_deleted
FROM pg_stat_database WHERE datname = current_database()
"""
_SCANNED = "SELECT relname, seq_tup_read FROM pg_stat_user_tables WHERE seq_tup_read > 0"
SCAN = "seq_rows "  # key prefix of a table's rows read by sequential scans
TOP_SCANS = 3


async def database_work(dsns: dict[str, str]) -> dict[str, dict[str, int]]:
    """Counters so far per database (by the bench's name for it)."""
    readings = {}
    for name, dsn in dsns.items():
        conn = await asyncpg.connect(dsn)
        try:
            counters = {k: int(v) for k, v in (await conn.fetchrow(_DATABASE)).items()}
            for relname, rows in await conn.fetch(_SCANNED):
                counters[SCAN + relname] = int(rows)
        finally:
            await conn.close()
        readings[name] = counters
    return readings


def work_per(
    before: dict[str, dict[str, int]], after: dict[str, dict[str, int]], units: int
) -> dict[str, dict[str, float]]:
    """Per unit of work between two readings: the database's counters, and the tables that
    sequential scans read most (at most ``TOP_SCANS``, none below one row per unit)."""
    figures = {}
    for name, counters in after.items():
        per = {
            k: round((v - before[name].get(k, 0)) / max(units, 1), 2) for k, v in counters.items()
        }
        scans = sorted((k for k in per if k.startswith(SCAN)), key=per.__getitem__, reverse=True)
        kept = {k for k in scans[:TOP_SCANS] if per[k] >= 1}
        figures[name] = {k: v for k, v in per.items() if not k.startswith(SCAN) or k in kept}
    return figures
