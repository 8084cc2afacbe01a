"""Write-behind statements for projection handlers, pipelined per batch.

The stock runner awaits one database round trip per event (``await conn.execute(...)`` in
the handler). A projection's writes need no answer, so inside a batch transaction they can be
queued and sent together: :class:`WriteBehind` stands in for the connection, queues
``execute`` calls, and sends runs of the same statement with one pipelined ``executemany``
(one round trip for the run). Before anything that reads (``fetch*``), opens a savepoint
(``transaction()``) or touches the connection otherwise, the queue is sent first, in order,
so a handler always sees its own earlier writes. The runner flushes before it saves the
offsets in the same transaction: the exactly-once effect is unchanged.

The consequence for handlers: ``execute`` returns an empty status (the statement has not run
yet); a handler that needs an answer reads it with ``fetch*``, which flushes first.
"""

from __future__ import annotations

from typing import Any

import asyncpg


class WriteBehind:
    """An ``asyncpg.Connection`` stand-in that queues writes until something must see them."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn
        self._queue: list[tuple[str, tuple[Any, ...]]] = []

    async def execute(
        self,
        query: str,
        *args: Any,
        timeout: float | None = None,  # noqa: ASYNC109 - mirrors asyncpg.Connection
    ) -> str:
        """Queue a statement; returns at once (the status string is not known yet)."""
        if not args or timeout is not None:  # a script, or a caller that wants a deadline
            await self.flush()
            return str(await self._conn.execute(query, *args, timeout=timeout))
        self._queue.append((query, args))
        return ""

    async def executemany(
        self,
        query: str,
        args: Any,
        *,
        timeout: float | None = None,  # noqa: ASYNC109 - mirrors asyncpg.Connection
    ) -> None:
        await self.flush()
        await self._conn.executemany(query, args, timeout=timeout)

    async def flush(self) -> None:
        """Send every queued statement, in order; runs of one statement in one round trip."""
        queue, self._queue = self._queue, []
        start = 0
        while start < len(queue):
            query = queue[start][0]
            end = start + 1
            while end < len(queue) and queue[end][0] == query:
                end += 1
            if end - start == 1:
                await self._conn.execute(query, *queue[start][1])
            else:
                await self._conn.executemany(query, [args for _, args in queue[start:end]])
            start = end

    async def fetch(self, *args: Any, **kwargs: Any) -> Any:
        await self.flush()
        return await self._conn.fetch(*args, **kwargs)

    async def fetchrow(self, *args: Any, **kwargs: Any) -> Any:
        await self.flush()
        return await self._conn.fetchrow(*args, **kwargs)

    async def fetchval(self, *args: Any, **kwargs: Any) -> Any:
        await self.flush()
        return await self._conn.fetchval(*args, **kwargs)

    def transaction(self, **kwargs: Any) -> _FlushingTransaction:
        return _FlushingTransaction(self, self._conn.transaction(**kwargs))

    def __getattr__(self, name: str) -> Any:
        # Anything else (copy_*, cursor, prepare, ...) must not overtake queued writes.
        if self._queue:
            raise RuntimeError(
                f"WriteBehind.{name}: flush() first (writes are queued); "
                "use execute/fetch*/transaction or flush explicitly"
            )
        return getattr(self._conn, name)


class _FlushingTransaction:
    def __init__(self, owner: WriteBehind, inner: Any) -> None:
        self._owner = owner
        self._inner = inner

    async def __aenter__(self) -> Any:
        await self._owner.flush()
        return await self._inner.__aenter__()

    async def __aexit__(self, *exc: Any) -> Any:
        if exc[0] is None:
            try:
                await self._owner.flush()
            except BaseException as error:
                await self._inner.__aexit__(type(error), error, error.__traceback__)
                raise
        else:
            self._owner._queue.clear()  # the savepoint rolls back: so do its queued writes
        return await self._inner.__aexit__(*exc)
