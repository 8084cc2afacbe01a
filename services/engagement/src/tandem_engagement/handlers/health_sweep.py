"""The time-driven side of pair health: due reviews re-assess health and days together.

Set-based: each batch of due reviews is claimed in one statement, its workspaces loaded from
their snapshots in one read, assessed by the pure domain, its follow-ups appended in one
statement and its next reviews (with the snapshots that fell too far behind) kept in one
more, all in the timer claim's transaction (see :mod:`tandem_events.timers`): a review never
fires twice, and one cut short by a crash is simply still due.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import asyncpg

from tandem_engagement.adapters.workspace_rows import (
    HEALTH_REVIEW,
    SWEEP_SNAPSHOT_LAG,
    KeptWorkspace,
    Review,
    keep_workspaces,
    load_many,
)
from tandem_engagement.domain.health import next_review
from tandem_engagement.domain.workspace import workspace_stream
from tandem_engagement.handlers.follow_ups import with_follow_ups
from tandem_events.store_batch import StreamAppend, append_many
from tandem_events.timers import Timer, TimerSweep

# A review that lost a race with a member's command looks again shortly.
RACE_RETRY = timedelta(seconds=10)


class HealthReviews:
    """Fires due pair-health reviews for the service whose events come from ``source``."""

    def __init__(self, source: str) -> None:
        self._source = source

    async def fire(self, conn: asyncpg.Connection, due: Sequence[Timer], now: datetime) -> None:
        """Re-assess each due pair at ``now`` and schedule its next review."""
        workspaces = await load_many(conn, [t.key for t in due])
        appends: list[StreamAppend] = []
        outcomes: dict[str, KeptWorkspace] = {}
        for pair_id, loaded in workspaces.items():
            after, events = with_follow_ups(loaded.state, [], now)
            if events:
                appends.append((workspace_stream(pair_id), loaded.version, events))
            outcomes[pair_id] = (after, loaded.version + len(events), next_review(after, now))
        appended = await append_many(conn, self._source, appends)
        for stream, _, _ in appends:
            if stream not in appended:  # a member's command got there first: look again soon
                pair_id = stream.removeprefix(workspace_stream(""))
                loaded = workspaces[pair_id]
                outcomes[pair_id] = (loaded.state, loaded.version, now + RACE_RETRY)
        kept: list[KeptWorkspace] = []
        reviews: list[Review] = []
        for pair_id, (state, version, review) in outcomes.items():
            # Only what the sweep appended is new since the load: the snapshot may lag it.
            if version - workspaces[pair_id].snapshot_version >= SWEEP_SNAPSHOT_LAG:
                kept.append((state, version, review))
            else:
                reviews.append((pair_id, review))
        await keep_workspaces(conn, kept, reviews)

    def sweep(self, pool: asyncpg.Pool, *, batch: int = 1000) -> TimerSweep:
        """A sweep of this service's due reviews."""
        return TimerSweep(pool, HEALTH_REVIEW, self.fire, batch=batch)
