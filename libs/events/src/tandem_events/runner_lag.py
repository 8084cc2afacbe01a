"""How far a projection runner is behind: the lag gauge and the ``/ready`` detail."""

from __future__ import annotations

from aiokafka import AIOKafkaConsumer, TopicPartition
from prometheus_client import Gauge

from tandem_events.projection import Projection
from tandem_events.reading import Record
from tandem_service.health import CheckResult

LAG = Gauge("tandem_consumer_lag", "Records not yet applied", ["consumer", "topic", "partition"])


class LagReport:
    """The runner's lag per assigned partition, as noted after each applied batch."""

    projection: Projection
    group_id: str
    waiting_for: list[str]
    _consumer: AIOKafkaConsumer | None
    _lag: dict[TopicPartition, int]

    def lag(self) -> int:
        """Records on the assigned partitions that are not applied yet."""
        return sum(self._lag.values())

    def readiness(self, max_lag: int) -> CheckResult:
        """``/ready`` detail: total lag and whether it is within ``max_lag``."""
        total = self.lag()
        detail: dict[str, object] = {"group": self.group_id, "lag": total}
        if self.waiting_for:
            # Nothing can be behind on a topic no one has created: ready, and say so.
            detail["waiting_for_topics"] = self.waiting_for
        return CheckResult(total <= max_lag, detail)

    def _note_lag(self, batches: dict[TopicPartition, list[Record]]) -> None:
        """What remains after the batch, on the partitions this runner still holds.

        A partition revoked while its batch was applied is the new owner's to report; asking
        aiokafka for its highwater would fail the loop (a 1 s pause and a re-seek).
        """
        held = self._consumer.assignment() if self._consumer is not None else batches.keys()
        for tp, records in batches.items():
            if tp in held:
                applied_to = records[-1].offset + 1
                self._lag[tp] = max(0, self._highwater(tp, applied_to) - applied_to)

    def _highwater(self, tp: TopicPartition, fallback: int) -> int:
        if self._consumer is None:
            return fallback
        return self._consumer.highwater(tp) or fallback

    def _measure_lag(self) -> None:
        for tp, lag in self._lag.items():
            LAG.labels(self.projection.name, tp.topic, str(tp.partition)).set(lag)
