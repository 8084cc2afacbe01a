"""The outbox relay: publishes every committed event to Kafka, gap-free, in aggregate order.

Gap-freedom (see docs/decisions/0004-gap-free-relay.md): rows are read in (tx_id, position)
order and only below ``pg_snapshot_xmin(pg_current_snapshot())``, the oldest transaction still
running. Every transaction below it has finished, so no row can later appear behind the
relay's progress, whatever order transactions commit in.
"""

from __future__ import annotations

import asyncio
import contextlib
import zlib
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import orjson
from opentelemetry import trace
from prometheus_client import Counter, Gauge

from tandem_events.envelope import record_headers
from tandem_events.kafka_producer import EventPublisher, WireRecord
from tandem_events.log_tail import not_on_log
from tandem_events.relay_pace import IdlePace
from tandem_events.tracing import context_from, tracer
from tandem_service.database import connect
from tandem_service.logging import get_logger

PUBLISHED = Counter("tandem_relay_published_total", "Events the relay published", ["relay"])
LEADER = Gauge("tandem_relay_leader", "1 while this instance holds the relay lease", ["relay"])

# Only what goes on the wire (in this column order: see _wire); event_id as text is cheaper
# than a UUID object that is turned into text anyway.
_FETCH = """
SELECT position, tx_id, event_id::text, event_type, source, topic, record_key, occurred_at,
       payload, trace
FROM events
WHERE (tx_id, position) > ($1::xid8, $2::bigint)
  AND tx_id < pg_snapshot_xmin(pg_current_snapshot())
ORDER BY tx_id, position
LIMIT $3
"""
_SAVE = """
INSERT INTO relay_progress (relay, tx_id, position, published) VALUES ($1, $2, $3, $4)
ON CONFLICT (relay) DO UPDATE SET tx_id = $2, position = $3,
    published = relay_progress.published + $4, updated_at = now()
"""

log = get_logger("tandem.relay")


def _wire(row: Any) -> WireRecord:
    """A stored row (``_FETCH`` columns) as the record ``Envelope.wrap(...)`` would send."""
    _, _, event_id, event_type, source, topic, key, occurred_at, payload, trace_ = row
    return (
        topic,
        key.encode(),
        orjson.dumps(payload),
        record_headers(event_id, event_type, source, occurred_at, key, trace_),
    )


MAX_LINKS = 128


class Relay:
    """Runs while its process lives; only the instance holding the advisory lock publishes."""

    def __init__(
        self,
        dsn: str,
        publisher: EventPublisher,
        name: str = "outbox",
        batch_size: int = 5000,
        idle_seconds: float = 0.02,
        quiet_seconds: float = 0.1,
        provision: Callable[[], Awaitable[object]] | None = None,
    ) -> None:
        self._dsn = dsn
        self._publisher = publisher
        self.name = name
        self._batch = batch_size
        self._pace = (idle_seconds, quiet_seconds)
        self.pace = IdlePace(idle_seconds, quiet_seconds)  # the leading connection's
        self._provision = provision
        self._lock_key = zlib.crc32(f"tandem-relay:{name}".encode())
        self._task: asyncio.Task[None] | None = None
        self.is_leader = False
        # A publish failed: sends of it may still be in flight (see _lead).
        self._unsettled = False

    async def start(self) -> None:
        """Start relaying in the background."""
        self._task = asyncio.create_task(self._run(), name=f"relay-{self.name}")

    async def stop(self) -> None:
        """Stop after the batch in flight."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            try:
                await self._lead()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # broker or database away: back off, then take over again
                log.warning("relay interrupted", relay=self.name, error=str(exc))
                self._unsettled = True
                await asyncio.sleep(1.0)
            finally:
                self.is_leader = False
                LEADER.labels(self.name).set(0)

    async def _lead(self) -> None:
        conn = await connect(self._dsn)
        try:
            # Another instance relays while the lock is taken: stand by.
            while not await conn.fetchval(  # noqa: ASYNC110
                "SELECT pg_try_advisory_lock($1)", self._lock_key
            ):
                await asyncio.sleep(1.0)
            if self._provision is not None:
                # Topics exist, as planned, before the first publish: a broker that
                # auto-creates topics would otherwise make them with its own defaults.
                await self._provision()
            self.is_leader = True
            LEADER.labels(self.name).set(1)
            row = await conn.fetchrow(
                "SELECT tx_id, position FROM relay_progress WHERE relay = $1", self.name
            )
            tx_id, position = (int(row[0]), int(row[1])) if row else (0, 0)
            # Pipelined: while the broker acknowledges one batch, the next one is read.
            # Progress is still saved only after a batch's acknowledgement, in order.
            if self._unsettled:
                # A publish that failed on a timeout may have left other partitions' sends
                # in the producer: settled first, none of them lands after the tail check.
                await self._publisher.renew()
                self._unsettled = False
            rows = await self._fetch(conn, tx_id, position)
            # A leader killed between publishing and saving its progress left (part of) this
            # batch on the log: publish only what is not there (log_tail).
            fresh = await self._not_on_log(rows)
            pace = self.pace = IdlePace(*self._pace)
            while True:
                if not rows:
                    await asyncio.sleep(pace.after_empty_read())
                    rows = fresh = await self._fetch(conn, tx_id, position)
                    continue
                pace.found_rows()
                sending = asyncio.ensure_future(self._publish(fresh))
                try:
                    last = rows[-1]
                    following = await self._fetch(conn, int(last[1]), int(last[0]))
                finally:
                    await sending
                tx_id, position = await self._save(conn, rows)
                rows = fresh = following
        finally:
            await conn.close()

    async def relay_once(
        self, conn: asyncpg.Connection, tx_id: int, position: int
    ) -> tuple[int, int] | None:
        """Publish the next batch after (tx_id, position); returns the new progress or None."""
        rows = await self._fetch(conn, tx_id, position)
        if not rows:
            return None
        await self._publish(rows)
        return await self._save(conn, rows)

    async def _not_on_log(self, rows: list[Any]) -> list[Any]:
        if not rows:
            return rows
        placed = [await self._publisher.placement(r[5], r[6].encode()) for r in rows]
        return not_on_log(rows, placed, await self._publisher.last_event_ids(placed))

    async def _fetch(self, conn: asyncpg.Connection, tx_id: int, position: int) -> list[Any]:
        return list(await conn.fetch(_FETCH, tx_id, position, self._batch))

    async def _publish(self, rows: list[Any]) -> None:
        # A batch span links to each event's own trace (OTel messaging conventions); the
        # consumer continues each event's trace from its record headers.
        links = [
            trace.Link(trace.get_current_span(context_from(r[9])).get_span_context())
            for r in rows[:MAX_LINKS]
            if r[9]
        ]
        with tracer.start_as_current_span(
            "relay publish", links=links, kind=trace.SpanKind.PRODUCER
        ) as span:
            span.set_attribute("messaging.batch.message_count", len(rows))
            await self._publisher.publish_records(map(_wire, rows))

    async def _save(self, conn: asyncpg.Connection, rows: list[Any]) -> tuple[int, int]:
        last = rows[-1]
        new_tx, new_position = int(last[1]), int(last[0])
        await conn.execute(_SAVE, self.name, new_tx, new_position, len(rows))
        PUBLISHED.labels(self.name).inc(len(rows))
        return new_tx, new_position

    async def pending(self, pool: asyncpg.Pool) -> int:
        """How many stored events the relay has not yet published (for /ready and metrics)."""
        async with pool.acquire() as conn:
            return int(
                await conn.fetchval(
                    "SELECT count(*) FROM events e WHERE (e.tx_id, e.position) > "
                    "(SELECT coalesce(max(tx_id), '0'::xid8), coalesce(max(position), 0) "
                    "FROM relay_progress WHERE relay = $1)",
                    self.name,
                )
            )
