"""Group commit: concurrent appends through the pool share one statement and one commit.

Appends made through the pool (no caller connection) while another append is
in flight are coalesced into one statement and one commit (one WAL flush) for all of them.
Each append still succeeds or conflicts on its own: a stream whose version moved is simply
not bumped and its events are not inserted, exactly as with a lone append. Two appends to the
same stream (or with the same idempotency key) never share a batch. Nothing waits to form a
batch: an append goes out at once when a flush slot is free, so a lone writer sees no delay.
Flushes run concurrently, so every batch locks its existing stream rows first, in stream-id
order (no two batches wait on each other in a cycle); a deadlock that still happens (a new
stream or an idempotency key inserted by two batches at once) is retried, never surfaced.
"""

from __future__ import annotations

import asyncio

import asyncpg

from tandem_events.store_append import Pending, append_one
from tandem_events.store_many import write_many


class GroupCommit:
    """Coalesces concurrent pool appends into one statement per flush (see module doc)."""

    def __init__(self, pool: asyncpg.Pool, source: str, max_flushes: int, max_batch: int) -> None:
        self._pool = pool
        self._source = source
        self._max_flushes = max_flushes
        self._max_batch = max_batch
        self._queue: list[Pending] = []
        self._flushing = 0
        self._tasks: set[asyncio.Task[None]] = set()

    async def submit(self, pending: Pending) -> bool:
        """Whether the append happened (False: its stream had moved)."""
        if not self._queue and self._flushing < self._max_flushes:
            # A free slot and nobody waiting: write inline (no hop through a task).
            self._flushing += 1
            try:
                conn = await self._pool.acquire()
                try:
                    return await append_one(conn, self._source, pending) > 0
                finally:
                    release_soon(self._pool, conn)
            finally:
                self._flushing -= 1
                self._kick()
        self._queue.append(pending)
        self._kick()
        return await asyncio.shield(pending.done)

    def _kick(self) -> None:
        if self._queue and self._flushing < self._max_flushes:
            self._flushing += 1
            task = asyncio.get_running_loop().create_task(self._flush())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    def _take(self) -> list[Pending]:
        batch: list[Pending] = []
        rest: list[Pending] = []
        streams: set[str] = set()
        keys: set[str] = set()
        for p in self._queue:
            if (
                len(batch) >= self._max_batch
                or p.stream_id in streams
                or (p.key is not None and p.key in keys)
            ):
                rest.append(p)
                continue
            batch.append(p)
            streams.add(p.stream_id)
            if p.key is not None:
                keys.add(p.key)
        self._queue = rest
        return batch

    async def _flush(self) -> None:
        # The batch is taken before anything can fail, so a failing flush always settles
        # (fails) at least one batch and the kick in ``finally`` cannot spin.
        batch = self._take()
        try:
            if not batch:
                return
            conn = await self._pool.acquire()
            try:
                while batch:  # one connection while the queue keeps filling
                    await self._write(conn, batch)
                    batch = self._take()
            finally:
                release_soon(self._pool, conn)
        except BaseException as exc:
            for p in batch:
                if not p.done.done():
                    p.done.set_exception(
                        exc if isinstance(exc, Exception) else asyncio.CancelledError()
                    )
            if not isinstance(exc, Exception):
                raise
        finally:
            self._flushing -= 1
            self._kick()

    async def _write(self, conn: asyncpg.Connection, batch: list[Pending]) -> None:
        if len(batch) == 1:
            p = batch[0]
            p.done.set_result(await append_one(conn, self._source, p) > 0)
            return
        batch = sorted(batch, key=lambda p: p.stream_id)
        try:
            moved = await write_many(conn, self._source, batch)
        except asyncpg.UniqueViolationError:
            # A concurrent twin (same key or version) won a race: settle each one alone.
            for p in batch:
                p.done.set_result(await append_one(conn, self._source, p) > 0)
            return
        for p in batch:
            p.done.set_result(p.stream_id in moved)


_RELEASING: set[asyncio.Task[None]] = set()


def release_soon(pool: asyncpg.Pool, conn: asyncpg.Connection) -> None:
    task = asyncio.get_running_loop().create_task(pool.release(conn))
    _RELEASING.add(task)
    task.add_done_callback(_RELEASING.discard)
