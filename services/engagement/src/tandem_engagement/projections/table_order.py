"""A batch's writes to the engagement views, queued per table and sent table after table.

The runner's write-behind queue sends a run of one statement in one round trip, but only a
run that follows itself: a check-in queued two timeline rows, its check-in row, a counter,
then for its milestone two timeline rows, a milestone row and a counter again: six round
trips per check-in whatever the batch. Each of these statements writes one table and reads
no other (a view that reads uses ``fetch*``, which sends everything queued first), and no
engagement table has triggers or foreign keys, so within the batch's transaction writes to
different tables commute: sent table after table, each table's statements in their own
order, they leave the same rows in a few round trips per batch (ADR 0042).
"""

from __future__ import annotations

import functools
import re
from typing import Any

import asyncpg

# The one table a plain write names first; anything else is sent in order, as it comes.
_TARGET = re.compile(r"\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+([\w.]+)\s", re.IGNORECASE)
_READS = re.compile(r"\b(?:SELECT|FROM|USING|WITH|JOIN)\b", re.IGNORECASE)


# The views send a few dozen distinct query texts; scanning each for reads on every execute
# was a tenth of the worker's CPU under load (py-spy, ADR 0046).
@functools.lru_cache(maxsize=256)
def target_of(query: str) -> str | None:
    """The table ``query`` writes if that is all it touches; None when it may read another."""
    match = _TARGET.match(query)
    if match is None or _READS.search(query, match.end()):
        return None
    return match.group(1)


class TableOrder:
    """Stands in for the batch's connection: plain writes queue per table until ``flush``."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn
        self._tables: dict[str, list[tuple[str, tuple[Any, ...]]]] = {}

    async def execute(self, query: str, *args: Any) -> str:
        """Queue a plain write to one table; send anything else after what is queued."""
        table = target_of(query)
        if table is None or not args:
            await self.flush()
            return str(await self._conn.execute(query, *args))
        self._tables.setdefault(table, []).append((query, args))
        return ""

    async def flush(self) -> None:
        """Hand every queued write on, table after table, each table's in order."""
        tables, self._tables = self._tables, {}
        for statements in tables.values():
            for query, args in statements:
                await self._conn.execute(query, *args)

    async def fetch(self, *args: Any) -> Any:
        await self.flush()
        return await self._conn.fetch(*args)

    async def fetchrow(self, *args: Any) -> Any:
        await self.flush()
        return await self._conn.fetchrow(*args)

    async def fetchval(self, *args: Any) -> Any:
        await self.flush()
        return await self._conn.fetchval(*args)
