"""A faster apply path for projection runners: write-behind statements, pipelined per batch.

The stock runner awaits one database round trip per event (``await conn.execute(...)`` in
the handler). A projection's writes need no answer, so inside a batch transaction they can be
queued and sent together: :class:`WriteBehind` stands in for the connection, queues
``execute`` calls, and sends runs of the same statement with one pipelined ``executemany``
(one round trip for the run). Before anything that reads (``fetch*``), opens a savepoint
(``transaction()``) or touches the connection otherwise, the queue is sent first, in order,
so a handler always sees its own earlier writes. The runner flushes before it saves the
offsets in the same transaction: the exactly-once effect is unchanged.

:class:`FastProjectionRunner` is the stock :class:`~tandem_events.runner.ProjectionRunner`
with that one change to the unisolated pass (the per-event savepoint pass that finds a bad
event is left as it is); see docs/performance.md for the proposal to fold it into runner.py.
"""

from __future__ import annotations

from typing import Any

import asyncpg
from aiokafka import TopicPartition

from tandem_events.projection import ProjectionContext
from tandem_events.runner import Decoded, ProjectionRunner, Record


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


class FastProjectionRunner(ProjectionRunner):
    """The stock runner with two changes: bigger batches, write-behind statements.

    * Each transaction takes what the consumer has already fetched, up to ``batch_target``
      records, instead of one ``getmany`` worth: the per-batch costs (a commit with its WAL
      flush, one offset upsert per partition, the informational Kafka commit) are shared by
      thousands of events instead of a few hundred.
    * The unisolated pass applies through :class:`WriteBehind`.
    """

    batch_target = 10_000

    async def start(self) -> None:
        """Start as the stock runner does, with the consumer's fetch made to gather."""
        await super().start()
        # No await between the stock start() and this line: the runner task has not run yet.
        assert self._consumer is not None
        one_fetch = self._consumer.getmany
        target = self.batch_target

        async def gather(
            *partitions: TopicPartition, timeout_ms: int = 0, max_records: int | None = None
        ) -> dict[TopicPartition, list[Record]]:
            batches: dict[TopicPartition, list[Record]] = await one_fetch(
                *partitions, timeout_ms=timeout_ms, max_records=max_records
            )
            total = sum(len(r) for r in batches.values())
            while batches and total < target:
                more = await one_fetch(*partitions, timeout_ms=0, max_records=max_records)
                if not more:
                    break
                for tp, records in more.items():
                    batches.setdefault(tp, []).extend(records)
                    total += len(records)
            return batches

        self._consumer.getmany = gather

    async def _apply_all(
        self, conn: asyncpg.Connection, items: list[Decoded], *, isolate: bool
    ) -> None:
        if isolate:  # finding the one bad event needs a savepoint (and an answer) per event
            await super()._apply_all(conn, items, isolate=True)
            return
        behind = WriteBehind(conn)
        ctx = ProjectionContext(behind)
        for item in items:
            await self._apply_one(ctx, item)
        await behind.flush()  # before the offsets, in the same transaction
