"""A projection runner's input topics: it joins its group once one of them exists and
subscribes to the others as their owners create them."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from tandem_events.runner_positions import Positioning, Reseek
from tandem_service.logging import get_logger

log = get_logger("tandem.projection")
JOIN_POLL_SECONDS = 1.0


class InputTopics(Positioning):
    """Subscribes the runner's consumer to the input topics that exist."""

    topics: list[str]
    _bootstrap: str
    _options: dict[str, Any]
    _max_records: int
    _producer: AIOKafkaProducer | None
    _looked_for_inputs_at: float

    async def _present_inputs(self) -> list[str]:
        """The input topics that exist; the others are noted in ``waiting_for``."""
        assert self._producer is not None
        # An all-topics metadata request: asking for named topics could auto-create them.
        cluster = await self._producer.client.fetch_all_metadata()
        present = [t for t in self.topics if cluster.partitions_for_topic(t)]
        missing = [t for t in self.topics if t not in present]
        if missing != self.waiting_for:
            log.info("input topics missing", projection=self.projection.name, topics=missing)
        self.waiting_for = missing
        self._looked_for_inputs_at = time.monotonic()
        return present

    async def _join(self) -> None:
        """Subscribe to the input topics that exist, once at least one does.

        A topic's owner provisions it and brokers do not auto-create topics, so a consumer
        deployed first must neither fail its start nor block the service's: it consumes what
        exists and :meth:`_watch_inputs` adds the rest as they appear.
        """
        present = await self._present_inputs()
        while not present:
            await asyncio.sleep(JOIN_POLL_SECONDS)
            present = await self._present_inputs()
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self._bootstrap,
            group_id=self.group_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_poll_records=self._max_records,
            fetch_max_bytes=32 * 1024 * 1024,
            # Leaders move when a broker restarts: learn it in seconds, not five minutes.
            metadata_max_age_ms=5000,
            # A member hears of a rebalance at its next heartbeat, and every joining member
            # waits for that: 1 s instead of 3 (a second process starting took partitions
            # 2-4 s later per group, its share done meanwhile by the first).
            heartbeat_interval_ms=1000,
            # A member rejoins once its batch in flight and what it read ahead are applied
            # (``ReadAhead._hand_over``): seconds on a loaded database. Past this the broker
            # drops it from the group and rebalances again (aiokafka's default: 10 s).
            rebalance_timeout_ms=60_000,
            **self._options,
        )
        consumer.subscribe(present, listener=Reseek(self))
        # Set before start: the first assignment (and the listener's seek) may come during it.
        self._consumer = consumer
        try:
            await consumer.start()
        except BaseException:  # cancelled by stop() meanwhile: leave nothing open
            self._consumer = None
            await consumer.stop()
            raise

    async def _watch_inputs(self) -> None:
        """Subscribe to input topics created since the runner joined (about once a second)."""
        assert self._consumer is not None
        if not self.waiting_for:
            return
        if time.monotonic() - self._looked_for_inputs_at < JOIN_POLL_SECONDS:
            return
        present = await self._present_inputs()
        if set(present) != self._consumer.subscription():
            # A rebalance follows; the listener seeks each partition to its stored offset.
            self._consumer.subscribe(present, listener=Reseek(self))
