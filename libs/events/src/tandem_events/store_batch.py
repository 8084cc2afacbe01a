"""Appending to many streams in one statement, inside the caller's transaction.

For sweeps that decide for thousands of aggregates at once (timers firing, say): one round
trip instead of one per stream. Each stream still succeeds or conflicts on its own, exactly as
with :meth:`tandem_events.store.EventStore.append` (its version must still be the expected one).
"""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from tandem_events.catalog.base import DomainEvent
from tandem_events.envelope import Envelope
from tandem_events.store_append import Pending, append_one
from tandem_events.store_many import APPEND_MANY, many_arguments
from tandem_events.tracing import current_trace_headers

# (stream id, expected version, events): one append per stream, streams all different.
StreamAppend = tuple[str, int, Sequence[DomainEvent]]


async def append_many(
    conn: asyncpg.Connection, source: str, appends: Sequence[StreamAppend]
) -> set[str]:
    """Append each stream's events if still at its expected version; returns those appended."""
    appends = [a for a in appends if a[2]]
    if not appends:
        return set()
    if len({stream for stream, _, _ in appends}) != len(appends):
        raise ValueError("append_many takes each stream once")
    trace = current_trace_headers()
    pending = [
        Pending(
            stream,
            expected,
            expected + len(events),
            None,
            [Envelope.wrap(e, source, trace) for e in events],
        )
        for stream, expected, events in appends
    ]
    try:
        async with conn.transaction():  # a savepoint: a lost race must not abort the caller
            rows = await conn.fetch(APPEND_MANY, *many_arguments(source, pending))
        return {row[0] for row in rows}
    except asyncpg.UniqueViolationError:
        # A concurrent twin created one of these streams first: settle each one alone.
        return {p.stream_id for p in pending if await append_one(conn, source, p) > 0}
