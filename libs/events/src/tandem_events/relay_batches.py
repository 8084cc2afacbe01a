"""The outbox relay's batches: read in relay order, published, and the progress saved.

Rows are read only below the oldest running transaction: the gap-free rule explained in
:mod:`tandem_events.relay`.
"""

from __future__ import annotations

from typing import Any

import asyncpg
import orjson
from opentelemetry import trace
from prometheus_client import Counter

from tandem_events.envelope import record_headers
from tandem_events.kafka_producer import EventPublisher, WireRecord
from tandem_events.log_tail import not_on_log
from tandem_events.tracing import context_from, tracer

PUBLISHED = Counter("tandem_relay_published_total", "Events the relay published", ["relay"])
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


class RelayBatches:
    """Reads, publishes and records one batch of the outbox at a time."""

    name: str
    _publisher: EventPublisher
    _batch: int

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
