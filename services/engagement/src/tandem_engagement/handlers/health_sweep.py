"""The time-driven side of pair health: due reviews re-assess health and days together.

Each sweep batch loads its pairs in one read and appends all their follow-ups in one
statement, in the timer claim's transaction (see :mod:`tandem_events.timers`): a review
never fires twice, and one cut short by a crash is simply still due.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import asyncpg

from tandem_engagement.adapters.postgres import HEALTH_REVIEW, load_workspaces
from tandem_engagement.domain.health import next_review
from tandem_engagement.domain.workspace import workspace_stream
from tandem_engagement.handlers.follow_ups import with_follow_ups
from tandem_events import timers
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
        workspaces = await load_workspaces(conn, [t.key for t in due])
        appends: list[StreamAppend] = []
        reviews: dict[str, datetime] = {}
        for pair_id, (state, version) in workspaces.items():
            after, events = with_follow_ups(state, [], now)
            if events:
                appends.append((workspace_stream(pair_id), version, events))
            review = next_review(after, now)
            if review is not None:
                reviews[pair_id] = review
        appended = await append_many(conn, self._source, appends)
        for stream, _, _ in appends:
            if stream not in appended:  # a member's command got there first
                reviews[stream.removeprefix(workspace_stream(""))] = now + RACE_RETRY
        later: list[tuple[str, datetime, dict[str, Any]]] = [
            (pair_id, at, {}) for pair_id, at in reviews.items()
        ]
        await timers.schedule_many(conn, HEALTH_REVIEW, later)

    def sweep(self, pool: asyncpg.Pool, *, batch: int = 1000) -> TimerSweep:
        """A sweep of this service's due reviews."""
        return TimerSweep(pool, HEALTH_REVIEW, self.fire, batch=batch)
