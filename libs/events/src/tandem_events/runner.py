"""The projection runner: Kafka in, PostgreSQL out, exactly-once effect.

Each batch of records is applied and its per-partition offsets recorded in one transaction;
the database, not Kafka's committed offsets, says where to resume. Saving offsets is a
compare-and-set, so a runner whose view is stale (after a rebalance or a rebuild swapped
the tables) rolls back and re-seeks instead of applying twice. Fetching and applying a batch
and positioning the consumer take turns (``_turn``): read while a batch was in flight, the
stored offsets were the batch's start, and the runner fetched and decoded it again.

Its parts: joining the input topics (``runner_inputs``), positioning and rebalances
(``runner_positions``), fetching and reading ahead (``runner_ahead``), a batch's
transaction (``runner_apply``) and the lag (``runner_lag``); this module runs the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from datetime import timedelta
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer, TopicPartition

from tandem_events.dead_letters import DeadLetters
from tandem_events.dedup import forget_old
from tandem_events.offsets import OffsetsMoved
from tandem_events.parking import DEFAULT_HORIZON, DEFAULT_RECHECK, ParkingLot
from tandem_events.projection import Projection
from tandem_events.reading import Record
from tandem_events.runner_ahead import ReadAhead
from tandem_events.runner_apply import BatchTransaction
from tandem_events.runner_inputs import JOIN_POLL_SECONDS, log

PRUNE_EVERY_SECONDS = 3600


class ProjectionRunner(ReadAhead):
    """Feeds one projection from its topics as a consumer group."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        bootstrap: str,
        projection: Projection,
        *,
        group_id: str | None = None,
        max_records: int = 2000,
        topic_prefix: str = "",
        kafka_options: dict[str, Any] | None = None,
        park_horizon: timedelta = DEFAULT_HORIZON,
        park_recheck: timedelta = DEFAULT_RECHECK,
        retries_per_loop: int = 200,
    ) -> None:
        self._options = dict(kafka_options or {})
        self._pool = pool
        self._bootstrap = bootstrap
        self.projection = projection
        self.group_id = group_id or f"tandem.{projection.name}"
        self._max_records = max_records
        self.topics = [topic_prefix + t for t in projection.topics]
        self._consumer = None
        self.waiting_for = []  # input topics not provisioned yet by their owner
        self._looked_for_inputs_at = 0.0
        self._producer = None
        self._task: asyncio.Task[None] | None = None
        self._lag = {}
        self._turn = asyncio.Lock()
        self._applying = asyncio.Lock()
        self._positioning = 0
        self._seek_pending = True  # no position is ours until the first assignment's seek
        self._ahead = None
        self.parking = ParkingLot(
            projection, horizon=park_horizon, recheck=park_recheck, per_loop=retries_per_loop
        )

    async def start(self) -> None:
        """Join the group (in the background if no input topic exists yet) and start applying."""
        self._producer = AIOKafkaProducer(
            bootstrap_servers=self._bootstrap, acks="all", **self._options
        )
        await self._producer.start()
        self._dead = DeadLetters(self._producer, self.projection.name)
        self._transaction = BatchTransaction(self._pool, self.projection, self.parking, self._dead)
        if await self._present_inputs():
            # Inputs exist: return in the group with partitions assigned, as callers expect;
            # only a consumer whose inputs are all missing joins later, in the background.
            await self._join()
        self._task = asyncio.create_task(self._run(), name=f"projection-{self.projection.name}")

    async def stop(self) -> None:
        """Leave the group after the batch in flight."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._ahead = None  # leaving the group hands over nothing more (see ``_hand_over``)
        if self._consumer is not None:
            await self._consumer.stop()
        if self._producer is not None:
            await self._producer.stop()

    async def _run(self) -> None:
        while self._consumer is None:
            try:
                await self._join()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # broker away: the service stays up, try again
                log.warning("joining failed", projection=self.projection.name, error=str(exc))
                await asyncio.sleep(JOIN_POLL_SECONDS)
        pruned_at = 0.0
        with contextlib.suppress(Exception):  # committed before a crash, not yet sent
            await self._dead.send_committed(self._pool)
        while True:
            try:
                await self._watch_inputs()
                async with self._turn:
                    batch = await self._next_batch()
                    if batch.records:
                        await self._apply_reading_ahead(batch)
                if batch.records:
                    await self._tell_kafka(batch.records)
                await self.parking.retry(self._pool, self._dead)
                self._measure_lag()
                if time.monotonic() - pruned_at > PRUNE_EVERY_SECONDS:
                    await forget_old(self._pool, self.projection.name)
                    pruned_at = time.monotonic()
            except asyncio.CancelledError:
                raise
            except OffsetsMoved:
                await self._reposition(self._consumer.assignment())
            except Exception as exc:  # database away: wait, re-seek, go on
                log.warning(
                    "projection batch failed", projection=self.projection.name, error=str(exc)
                )
                await asyncio.sleep(1.0)
                with contextlib.suppress(Exception):
                    await self._reposition(self._consumer.assignment())

    async def _tell_kafka(self, batches: dict[TopicPartition, list[Record]]) -> None:
        """Commit the applied offsets to the group too: informational (lag tools read them).

        Outside the turn: a commit during a rebalance must not wait on the listener.
        """
        assert self._consumer is not None
        with contextlib.suppress(Exception):  # the database is the truth
            await self._consumer.commit(
                {tp: records[-1].offset + 1 for tp, records in batches.items()}
            )
