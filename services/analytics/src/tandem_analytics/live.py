"""Live tiles with faust-streaming: windowed counts the dashboard shows as they change.

Approximate by design: faust keeps these tables in memory (rebuilt from their changelog
topics on restart) and its delivery is at-least-once, so a crash may count an event twice.
The exact figures stay with the projection runner; the page labels these as live.
Windows follow processing time (when the service saw the event), which is what "the last
hour" means on a live screen.
"""

from __future__ import annotations

import tempfile
import time
from datetime import timedelta
from typing import Any

import faust

from tandem_analytics.settings import AnalyticsSettings
from tandem_events.catalog.engagement import CheckInLogged, MilestoneReached
from tandem_events.catalog.matching import PairCreated
from tandem_events.faust_stream import cloudevents_topic, typed_events

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
WEEK = timedelta(days=7)
UNKNOWN = "unknown"


def _processing_time(windowed: Any) -> Any:
    """Windows by when the service saw the event (what a live screen means).

    ``relative_to_now()`` placed writes by the record's timestamp, 0 for our batches.
    Returned as Any: faust's window wrappers are untyped where it matters (``now()``).
    """
    return windowed.relative_to(lambda _: time.time())


class LiveTiles:
    """A faust app inside the service: check-ins per hour, active pairs (7 days), milestones."""

    def __init__(self, settings: AnalyticsSettings) -> None:
        prefix = settings.topic_prefix
        self._data = tempfile.TemporaryDirectory(prefix="tandem-live-")
        self.app = faust.App(
            f"{prefix}tandem-analytics-live".replace(".", "-"),
            broker=f"kafka://{settings.kafka_bootstrap}",
            store="memory://",
            web_enabled=False,
            topic_partitions=settings.kafka_partitions,
            topic_replication_factor=settings.kafka_replication_factor,
            datadir=self._data.name,
        )
        self.pair_programs = self.app.Table("pair-programs", default=str)
        self.check_ins = _processing_time(
            self.app.Table("check-ins-hourly", default=int).tumbling(HOUR, expires=DAY)
        )
        self.active = _processing_time(
            self.app.Table("active-pairs", default=int).hopping(
                WEEK, DAY, expires=WEEK + DAY, key_index=True
            )
        )
        self.milestones = _processing_time(
            self.app.Table("milestones-daily", default=int).tumbling(DAY, expires=2 * DAY)
        )
        matching = cloudevents_topic(self.app, f"{prefix}matching.events")
        engagement = cloudevents_topic(self.app, f"{prefix}engagement.events")
        self.app.agent(matching, name="live-pairs")(self._pairs)
        self.app.agent(engagement, name="live-activity")(self._activity)

    async def _pairs(self, stream: Any) -> None:
        async for _, event in typed_events(self.app, stream):
            if isinstance(event, PairCreated):
                self.pair_programs[event.pair_id] = event.program_id

    async def _activity(self, stream: Any) -> None:
        async for _, event in typed_events(self.app, stream):
            if not isinstance(event, CheckInLogged | MilestoneReached):
                continue
            # A pair seen before its PairCreated counts as "unknown": live tiles may be rough.
            program = self.pair_programs.get(event.pair_id) or UNKNOWN
            if isinstance(event, CheckInLogged):
                self.check_ins[program] += 1
                self.active[f"{program}|{event.pair_id}"] += 1
            else:
                self.milestones[program] += 1

    def tiles(self, program_id: str) -> dict[str, int]:
        """The program's live figures now."""
        active = sum(
            1 for key, n in self.active.items().now() if key.startswith(f"{program_id}|") and n > 0
        )
        return {
            "check_ins_this_hour": int(self.check_ins[program_id].now()),
            "active_pairs_7_days": active,
            "milestones_today": int(self.milestones[program_id].now()),
        }

    async def start(self) -> None:
        """Join the topics (a component of the service)."""
        await self.app.start()

    async def stop(self) -> None:
        """Leave the topics."""
        await self.app.stop()
        self._data.cleanup()
