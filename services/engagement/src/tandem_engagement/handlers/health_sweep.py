"""The time-driven side of pair health: due reviews re-assess health and days together.

Each sweep batch loads its pairs in one read and appends their follow-ups in the timer
claim's transaction (see :mod:`tandem_events.timers`): a review never fires twice, and one
cut short by a crash is simply still due.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import asyncpg

from tandem_engagement.adapters.postgres import load_workspaces
from tandem_engagement.domain.health import next_review
from tandem_engagement.domain.workspace import workspace_stream
from tandem_engagement.handlers.follow_ups import HEALTH_REVIEW, with_follow_ups
from tandem_events import timers
from tandem_events.errors import ConcurrencyError
from tandem_events.store import EventStore
from tandem_events.timers import Timer, TimerSweep

# A review that lost a race with a member's command looks again shortly.
RACE_RETRY = timedelta(seconds=10)


class HealthReviews:
    """Fires due pair-health reviews."""

    def __init__(self, store: EventStore) -> None:
        self._store = store

    async def fire(self, conn: asyncpg.Connection, due: Sequence[Timer], now: datetime) -> None:
        """Re-assess each due pair at ``now`` and schedule its next review."""
        workspaces = await load_workspaces(conn, [t.key for t in due])
        later: list[tuple[str, datetime, dict[str, object]]] = []
        for pair_id, (state, version) in workspaces.items():
            after, events = with_follow_ups(state, [], now)
            if events:
                try:
                    await self._store.append(workspace_stream(pair_id), version, events, conn=conn)
                except ConcurrencyError:
                    later.append((pair_id, now + RACE_RETRY, {}))
                    continue
            review = next_review(after, now)
            if review is not None:
                later.append((pair_id, review, {}))
        await timers.schedule_many(conn, HEALTH_REVIEW, later)

    def sweep(self, pool: asyncpg.Pool, *, batch: int = 1000) -> TimerSweep:
        """A sweep of this service's due reviews."""
        return TimerSweep(pool, HEALTH_REVIEW, self.fire, batch=batch)
