"""Forgetting old idempotency records, so the tables stay the size of a retry window."""

from __future__ import annotations

from datetime import timedelta

import asyncpg

# Idempotency records: (table, time column). command_results is the service template's
# (issue 9); a table or column a database does not have is skipped.
IDEMPOTENCY_TABLES = (("command_idempotency", "recorded_at"), ("command_results", "recorded_at"))


async def prune_idempotency(pool: asyncpg.Pool, older_than: timedelta) -> dict[str, int]:
    """Delete idempotency records older than ``older_than``; returns the rows deleted per table.

    A client retrying a command after that long gets it applied again: keep the age well
    above the longest retry window any client has (docs/operations.md).
    """
    deleted: dict[str, int] = {}
    async with pool.acquire() as conn:
        for table, column in IDEMPOTENCY_TABLES:
            exists = await conn.fetchval(
                "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND table_name = $1 AND column_name = $2",
                table,
                column,
            )
            if exists:
                status = await conn.execute(
                    f"DELETE FROM {table} WHERE {column} < now() - $1::interval", older_than
                )
                deleted[table] = int(status.split()[-1])
    return deleted
