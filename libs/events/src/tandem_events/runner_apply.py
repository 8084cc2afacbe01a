"""One batch's transaction: dead letters, parked events, first copies applied, offsets saved.

The batch is applied with its writes pipelined; if one event breaks it, the batch runs
again with a savepoint per event, so only that event goes to the dead letters.
"""

from __future__ import annotations

import contextlib

import asyncpg
from opentelemetry import trace
from prometheus_client import Counter

from tandem_events.dead_letters import DeadLetters
from tandem_events.dedup import claim
from tandem_events.offsets import OffsetsMoved, save_offsets
from tandem_events.parking import ParkingLot
from tandem_events.parking_retry import TRANSIENT
from tandem_events.projection import BatchProjection, Projection, ProjectionContext, WaitFor
from tandem_events.reading import Batch, Decoded
from tandem_events.tracing import context_from_headers, tracer
from tandem_events.write_behind import WriteBehind

APPLIED = Counter("tandem_projection_applied_total", "Events applied", ["projection"])


class BatchTransaction:
    """Applies read batches of one projection, each with its offsets in one transaction."""

    def __init__(
        self, pool: asyncpg.Pool, projection: Projection, parking: ParkingLot, dead: DeadLetters
    ) -> None:
        self._pool = pool
        self.projection = projection
        self._idempotent = bool(getattr(projection, "idempotent", False))
        self.parking = parking
        self._dead = dead

    async def apply(self, batch: Batch) -> None:
        """Apply ``batch`` and record its offsets, all in one transaction."""
        batches, good, dead, newer = batch.records, batch.good, batch.dead, batch.newer
        self.parking.parked_now.clear()
        async with self._pool.acquire() as conn:
            for isolate in (False, True):
                try:
                    async with conn.transaction():
                        for record, reason in dead:
                            await self._dead.record(conn, record, reason)
                        for item in newer:
                            what = f"a consumer that knows {item.envelope.type}"
                            await self.parking.park(conn, item.record, item.envelope, what, None)
                        first = await self._first_copies(conn, good)
                        await self._apply_all(conn, first, isolate=isolate)
                        await save_offsets(conn, self.projection.name, batches)
                    break
                except (OffsetsMoved, *TRANSIENT):
                    raise
                except Exception:
                    if isolate:
                        raise
                    # One event broke the batch: redo it with a savepoint per event to find it.
        await self._dead.send_committed(self._pool)
        parked, self.parking.parked_now = self.parking.parked_now, set()
        self.parking.applied(i.envelope.key for i in good if i.envelope.id not in parked)
        APPLIED.labels(self.projection.name).inc(len(good))

    async def _first_copies(self, conn: asyncpg.Connection, items: list[Decoded]) -> list[Decoded]:
        """Drop events this projection applied before (republished after a relay crash).

        A projection whose writes are idempotent and order-free (``idempotent = True``: a
        copy, early or late, leaves every row as it was) needs no claims, which were the
        larger part of a batch's statement time (ADR 0043). It claims its batch's last id
        only, so ``projection_applied`` still dates its last change (the dashboard's).
        """
        if self._idempotent:
            if items:
                await claim(conn, self.projection.name, [items[-1].envelope.id])
            return items
        first = await claim(conn, self.projection.name, [i.envelope.id for i in items])
        return [item for item, new in zip(items, first, strict=True) if new]

    async def _apply_all(
        self, conn: asyncpg.Connection, items: list[Decoded], *, isolate: bool
    ) -> None:
        if not isolate:
            # Writes are queued and pipelined; flushed before the offsets, same transaction.
            behind = WriteBehind(conn)
            fast = ProjectionContext(behind)
            if isinstance(self.projection, BatchProjection):
                batch = [(item.envelope.event(), item.envelope) for item in items]
                await self.projection.apply_batch(fast, batch)
            else:
                for item in items:
                    await self._apply_one(fast, item)
            await behind.flush()
            return
        ctx = ProjectionContext(conn)
        for item in items:
            try:
                async with conn.transaction():
                    await self._apply_one(ctx, item)
            except TRANSIENT:
                raise  # the database's trouble, not the event's: the whole batch runs again
            except Exception as exc:
                await self._dead.record(conn, item.record, f"projection failed: {exc!r}")

    async def _apply_one(self, ctx: ProjectionContext, item: Decoded) -> None:
        headers = item.record.headers
        span = (
            tracer.start_as_current_span(
                f"project {self.projection.name}",
                context=context_from_headers(headers),
                kind=trace.SpanKind.CONSUMER,
            )
            if item.envelope.trace
            else contextlib.nullcontext()
        )
        with span:
            try:
                await self.projection.apply(ctx, item.envelope.event(), item.envelope)
            except WaitFor as wait:
                key = wait.key if wait.key is not None else item.envelope.key
                await self.parking.park(ctx.conn, item.record, item.envelope, wait.what, key)
