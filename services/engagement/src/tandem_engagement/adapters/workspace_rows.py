"""Workspaces in bulk: loads from snapshot rows and the events after them, keeps, next reviews.

A snapshot is a cache, never the truth (ADR 0019): a load folds the events after it. Commands
write one with every append; the health sweep only when the pair's snapshot has fallen
``SWEEP_SNAPSHOT_LAG`` events behind (ADR 0027), since rewriting a hundred thousand snapshots
for one event each cost more than folding that event on the next load.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from tandem_engagement.adapters import snapshots
from tandem_engagement.domain.folding import fold_all
from tandem_engagement.domain.workspace import Workspace, workspace_stream
from tandem_events.catalog.base import DomainEvent
from tandem_events.store_append import APPEND_PARAMETERS, APPEND_STEPS, Pending, append_arguments
from tandem_events.store_reads import recorded
from tandem_service.commands.records import record_step

# The timer kind that re-assesses a pair's health (and days-together milestones).
HEALTH_REVIEW = "pair-health"
# How many events a sweep lets a snapshot fall behind before it writes a new one.
SWEEP_SNAPSHOT_LAG = 8

# Each pair's snapshot (of this format) and the events after it, in one read. LATERAL keeps
# the events side an index lookup per pair whatever the planner guesses for the array.
_LOAD_MANY = """
SELECT p.pair_id, s.version AS snapshot_version, s.state, e.*
FROM unnest($1::text[], $2::text[]) AS p(pair_id, stream_id)
LEFT JOIN workspace_snapshots s ON s.pair_id = p.pair_id AND s.format = $3
LEFT JOIN LATERAL (
    SELECT position, stream_id, version, event_id, event_type, source, record_key,
           occurred_at, topic, payload, trace
    FROM events
    WHERE events.stream_id = p.stream_id AND events.version > coalesce(s.version, 0)
) e ON true
ORDER BY p.pair_id, e.version
"""


# Snapshots (never moved back to an older version) and next reviews as CTEs, their seven
# parameters numbered from ``first``; the reviews may name more pairs than the snapshots. The
# timer rows follow tandem_events.timers (same upsert). ``only`` gates every write (a
# condition on an earlier CTE of the same statement).
def _keep_steps(first: int, only: str = "true") -> str:
    n = [f"${first + i}" for i in range(7)]
    return f"""kept AS (
    INSERT INTO workspace_snapshots (pair_id, version, format, state)
    SELECT k.pair_id, k.version, {n[2]}, k.state
    FROM unnest({n[0]}::text[], {n[1]}::integer[], {n[3]}::jsonb[]) AS k(pair_id, version, state)
    WHERE {only}
    ON CONFLICT (pair_id) DO UPDATE
    SET version = excluded.version, format = excluded.format, state = excluded.state
    WHERE workspace_snapshots.version <= excluded.version
), reviews AS (
    SELECT * FROM unnest({n[6]}::text[], {n[4]}::timestamptz[]) AS r(key, due_at) WHERE {only}
), scheduled AS (
    INSERT INTO timers (kind, key, due_at, payload)
    SELECT {n[5]}, key, due_at, '{{}}'::jsonb FROM reviews WHERE due_at IS NOT NULL
    ON CONFLICT (kind, key) DO UPDATE
    SET due_at = excluded.due_at, payload = excluded.payload, attempts = 0, last_error = NULL
), unscheduled AS (
    DELETE FROM timers t USING reviews r
    WHERE r.due_at IS NULL AND t.kind = {n[5]} AND t.key = r.key
)"""


# One round trip on every sweep batch.
_KEEP_MANY = f"WITH {_keep_steps(1)}\nSELECT 1"
# A command's append and its snapshot and review, one round trip (the keep only if appended);
# the second also writes the command's record (a single-write command, no transaction around).
_APPENDED = "EXISTS (SELECT 1 FROM moved)"
_APPEND_AND_KEEP = (
    f"{APPEND_STEPS},\n{_keep_steps(APPEND_PARAMETERS + 1, _APPENDED)}\n"
    "SELECT count(*) FROM appended"
)
_APPEND_KEEP_AND_RECORD = (
    f"{APPEND_STEPS},\n{_keep_steps(APPEND_PARAMETERS + 1, _APPENDED)},\n"
    f"{record_step(APPEND_PARAMETERS + 8, _APPENDED)}\n"
    "SELECT count(*) FROM appended"
)

# (workspace, its stream version, when it is next reviewed or None).
KeptWorkspace = tuple[Workspace, int, datetime | None]
# (pair id, when it is next reviewed or None), for a pair whose snapshot stays as it is.
Review = tuple[str, datetime | None]


@dataclass(frozen=True)
class Loaded:
    """A workspace, its stream version and the version of the snapshot it started from."""

    state: Workspace
    version: int
    snapshot_version: int  # 0: no usable snapshot


async def load_many(conn: asyncpg.Connection, pair_ids: Sequence[str]) -> dict[str, Loaded]:
    """Many workspaces in one read (snapshot plus later events); unknown pairs load blank."""
    streams = [workspace_stream(p) for p in pair_ids]
    starts: dict[str, tuple[Workspace, int]] = {}
    events: dict[str, list[DomainEvent]] = {}
    versions: dict[str, int] = {}
    for row in await conn.fetch(_LOAD_MANY, list(pair_ids), streams, snapshots.FORMAT):
        pair_id = row["pair_id"]
        if pair_id not in starts:
            at = row["snapshot_version"] or 0
            starts[pair_id] = (snapshots.decode(row["state"]) if at else Workspace(), at)
            versions[pair_id] = at
        if row["position"] is not None:
            events.setdefault(pair_id, []).append(recorded(row).event())
            versions[pair_id] = row["version"]
    loaded = {}
    for pair_id in pair_ids:
        start, at = starts.get(pair_id, (Workspace(), 0))
        tail = events.get(pair_id)
        state = fold_all(start, tail) if tail else start
        loaded[pair_id] = Loaded(state, versions.get(pair_id, 0), at)
    return loaded


async def load_workspaces(
    conn: asyncpg.Connection, pair_ids: Sequence[str]
) -> dict[str, tuple[Workspace, int]]:
    """Many workspaces and their stream versions in one read."""
    return {p: (w.state, w.version) for p, w in (await load_many(conn, pair_ids)).items()}


async def keep_workspaces(
    conn: asyncpg.Connection, kept: Sequence[KeptWorkspace], reviews: Sequence[Review] = ()
) -> None:
    """Snapshot the ``kept`` workspaces and set every next review in one statement."""
    if not kept and not reviews:
        return
    await conn.execute(_KEEP_MANY, *_keep_arguments(kept, reviews))


async def append_and_keep(
    conn: asyncpg.Connection,
    source: str,
    pending: Pending,
    kept: KeptWorkspace,
    record: list[Any] | None = None,
) -> bool:
    """Append ``pending`` and, if it was appended, keep the workspace after it and write the
    command's ``record`` (``record_step``'s parameters), in one statement; False when the
    stream had moved (nothing written)."""
    arguments = append_arguments(source, pending) + _keep_arguments([kept], ())
    if record is None:
        return bool(await conn.fetchval(_APPEND_AND_KEEP, *arguments))
    return bool(await conn.fetchval(_APPEND_KEEP_AND_RECORD, *arguments, *record))


def _keep_arguments(kept: Sequence[KeptWorkspace], reviews: Sequence[Review]) -> list[Any]:
    return [
        [state.pair_id for state, _, _ in kept],
        [version for _, version, _ in kept],
        snapshots.FORMAT,
        [snapshots.encode(state) for state, _, _ in kept],
        [review for _, _, review in kept] + [review for _, review in reviews],
        HEALTH_REVIEW,
        [state.pair_id for state, _, _ in kept] + [pair_id for pair_id, _ in reviews],
    ]
