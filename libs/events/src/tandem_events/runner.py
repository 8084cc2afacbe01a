"""The projection runner: Kafka in, PostgreSQL out, exactly-once effect.

Each batch of records is applied and its per-partition offsets recorded in one transaction;
the database, not Kafka's committed offsets, says where to resume. Saving offsets is a
compare-and-set, so a runner whose view is stale (after a rebalance or a rebuild swapped
the tables) rolls back and re-seeks instead of applying twice. Fetching and applying a batch
and positioning the consumer take turns (``_turn``): read while a batch was in flight, the
stored offsets were the batch's start, and the runner fetched and decoded it again.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from datetime import timedelta
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener, TopicPartition
from opentelemetry import trace
from prometheus_client import Counter, Gauge

from tandem_events.dead_letters import DeadLetters
from tandem_events.dedup import claim, forget_old
from tandem_events.offsets import OffsetsMoved, save_offsets, skip_removed, stored_offsets
from tandem_events.parking import (
    DEFAULT_HORIZON,
    DEFAULT_RECHECK,
    TRANSIENT,
    ParkingLot,
)
from tandem_events.projection import BatchProjection, Projection, ProjectionContext, WaitFor
from tandem_events.reading import Batch, Decoded, Record, read
from tandem_events.tracing import context_from_headers, tracer
from tandem_events.write_behind import WriteBehind
from tandem_service.health import CheckResult
from tandem_service.logging import get_logger

LAG = Gauge("tandem_consumer_lag", "Records not yet applied", ["consumer", "topic", "partition"])
APPLIED = Counter("tandem_projection_applied_total", "Events applied", ["projection"])
log = get_logger("tandem.projection")
PRUNE_EVERY_SECONDS = 3600
JOIN_POLL_SECONDS = 1.0
BATCH_TARGET = 10_000
AHEAD_WAIT_MS = 10  # how long one wait for records lasts while a batch is applied


class ProjectionRunner:
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
        self._idempotent = bool(getattr(projection, "idempotent", False))
        self.group_id = group_id or f"tandem.{projection.name}"
        self._max_records = max_records
        self.topics = [topic_prefix + t for t in projection.topics]
        self._consumer: AIOKafkaConsumer | None = None
        self.waiting_for: list[str] = []  # input topics not provisioned yet by their owner
        self._looked_for_inputs_at = 0.0
        self._producer: AIOKafkaProducer | None = None
        self._task: asyncio.Task[None] | None = None
        self._lag: dict[TopicPartition, int] = {}
        # Held while a batch is fetched and applied, and while the consumer is positioned.
        self._turn = asyncio.Lock()
        # Held while a batch is applied (not while records are fetched): what a revocation
        # waits for. Not the turn: a fetch during a reassignment waits for the assignment.
        self._applying = asyncio.Lock()
        self._positioning = 0  # counts seeks: a batch read ahead before one is stale
        self._ahead: Batch | None = None
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
        if await self._present_inputs():
            # Inputs exist: return in the group with partitions assigned, as callers expect;
            # only a consumer whose inputs are all missing joins later, in the background.
            await self._join()
        self._task = asyncio.create_task(self._run(), name=f"projection-{self.projection.name}")

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
            **self._options,
        )
        consumer.subscribe(present, listener=_Reseek(self))
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
            self._consumer.subscribe(present, listener=_Reseek(self))

    async def stop(self) -> None:
        """Leave the group after the batch in flight."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._consumer is not None:
            await self._consumer.stop()
        if self._producer is not None:
            await self._producer.stop()

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

    async def seek_to_stored(self, partitions: set[TopicPartition]) -> None:
        """Position the consumer where the database says each partition resumes."""
        assert self._consumer is not None
        stored = await stored_offsets(self._pool, self.projection.name)
        self._positioning += 1
        first = await self._consumer.beginning_offsets(list(partitions)) if partitions else {}
        for tp in partitions:
            if tp not in stored:
                # An explicit offset, not seek_to_beginning: its reset completes in the
                # background, after records of the partition may already have been handed out.
                self._consumer.seek(tp, first[tp])
                continue
            if stored[tp] < first[tp]:
                await skip_removed(self._pool, self.projection.name, tp, stored[tp], first[tp])
                stored[tp] = first[tp]
            self._consumer.seek(tp, stored[tp])

    async def _reposition(self, partitions: set[TopicPartition]) -> None:
        """Seek to the stored offsets once the batch in flight, if any, has committed."""
        async with self._turn:
            await self.seek_to_stored(partitions)

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

    async def _next_batch(self) -> Batch:
        """The batch read ahead, unless the consumer was positioned since; else a new one."""
        ahead, self._ahead = self._ahead, None
        if ahead is not None and ahead.positioning == self._positioning:
            return ahead
        return await read(await self._gather(wait_ms=500), self._positioning)

    async def _apply_reading_ahead(self, batch: Batch) -> None:
        """Apply ``batch`` while the next one is fetched and decoded as its records arrive.

        The next fetch is only sent once the previous one was handed out, so right after
        the apply starts nothing has arrived yet: reading ahead waits for records (briefly,
        repeatedly) for as long as the apply runs, then takes only what is already there.
        """
        assert self._consumer is not None
        applying = asyncio.create_task(self.process(batch))
        ahead = Batch({}, self._positioning)
        try:
            while ahead.size < BATCH_TARGET:
                done = applying.done()
                if done and (applying.cancelled() or applying.exception() is not None):
                    break  # what is read ahead of a failed batch would be dropped anyway
                more = await self._consumer.getmany(timeout_ms=0 if done else AHEAD_WAIT_MS)
                if ahead.positioning != self._positioning:
                    break  # a rebalance began: the listener will move the positions
                if more:
                    await ahead.take(more)
                elif done:
                    break
        finally:
            await applying  # its failure wins: the batch read ahead is then dropped
        self._ahead = ahead if ahead.records else None

    async def _gather(self, wait_ms: int) -> dict[TopicPartition, list[Record]]:
        """One fetch, topped up with what is already fetched, up to ``BATCH_TARGET`` records.

        Per-transaction costs (the commit's WAL flush, the offsets, the id claims) are then
        shared by thousands of events instead of one fetch's few hundred.
        """
        assert self._consumer is not None
        batches: dict[TopicPartition, list[Record]] = await self._consumer.getmany(
            timeout_ms=wait_ms
        )
        total = sum(len(r) for r in batches.values())
        while batches and total < BATCH_TARGET:
            more = await self._consumer.getmany(timeout_ms=0)
            if not more:
                break
            for tp, records in more.items():
                batches.setdefault(tp, []).extend(records)
                total += len(records)
        return batches

    async def process(self, batch: Batch) -> None:
        """Apply a read batch and record its offsets, all in one transaction."""
        async with self._applying:
            await self._process(batch)

    async def _process(self, batch: Batch) -> None:
        batches, good, dead, newer = batch.records, batch.good, batch.dead, batch.newer
        self.parking.parked_now.clear()
        async with self._pool.acquire() as conn:
            for isolate in (False, True):
                try:
                    async with conn.transaction():
                        for record, reason in dead:
                            await self._dead.record(conn, record, reason)
                        for item in newer:
                            what = f"a consumer that knows {item.envelope.type}"
                            await self.parking.park(conn, item.record, item.envelope, what, None)
                        first = await self._first_copies(conn, good)
                        await self._apply_all(conn, first, isolate=isolate)
                        await save_offsets(conn, self.projection.name, batches)
                    break
                except (OffsetsMoved, *TRANSIENT):
                    raise
                except Exception:
                    if isolate:
                        raise
                    # One event broke the batch: redo it with a savepoint per event to find it.
        await self._dead.send_committed(self._pool)
        parked, self.parking.parked_now = self.parking.parked_now, set()
        self.parking.applied(i.envelope.key for i in good if i.envelope.id not in parked)
        APPLIED.labels(self.projection.name).inc(len(good))
        self._note_lag(batches)

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

    async def _tell_kafka(self, batches: dict[TopicPartition, list[Record]]) -> None:
        """Commit the applied offsets to the group too: informational (lag tools read them).

        Outside the turn: a commit during a rebalance must not wait on the listener.
        """
        assert self._consumer is not None
        with contextlib.suppress(Exception):  # the database is the truth
            await self._consumer.commit(
                {tp: records[-1].offset + 1 for tp, records in batches.items()}
            )

    async def _first_copies(self, conn: asyncpg.Connection, items: list[Decoded]) -> list[Decoded]:
        """Drop events this projection applied before (republished after a relay crash).

        A projection whose writes are idempotent and order-free (``idempotent = True``: a
        copy, early or late, leaves every row as it was) needs no claims, which were the
        larger part of a batch's statement time (ADR 0043). It claims its batch's last id
        only, so ``projection_applied`` still dates its last change (the dashboard's).
        """
        if self._idempotent:
            if items:
                await claim(conn, self.projection.name, [items[-1].envelope.id])
            return items
        first = await claim(conn, self.projection.name, [i.envelope.id for i in items])
        return [item for item, new in zip(items, first, strict=True) if new]

    async def _apply_all(
        self, conn: asyncpg.Connection, items: list[Decoded], *, isolate: bool
    ) -> None:
        if not isolate:
            # Writes are queued and pipelined; flushed before the offsets, same transaction.
            behind = WriteBehind(conn)
            fast = ProjectionContext(behind)
            if isinstance(self.projection, BatchProjection):
                batch = [(item.envelope.event(), item.envelope) for item in items]
                await self.projection.apply_batch(fast, batch)
            else:
                for item in items:
                    await self._apply_one(fast, item)
            await behind.flush()
            return
        ctx = ProjectionContext(conn)
        for item in items:
            try:
                async with conn.transaction():
                    await self._apply_one(ctx, item)
            except TRANSIENT:
                raise  # the database's trouble, not the event's: the whole batch runs again
            except Exception as exc:
                await self._dead.record(conn, item.record, f"projection failed: {exc!r}")

    async def _apply_one(self, ctx: ProjectionContext, item: Decoded) -> None:
        headers = item.record.headers
        span = (
            tracer.start_as_current_span(
                f"project {self.projection.name}",
                context=context_from_headers(headers),
                kind=trace.SpanKind.CONSUMER,
            )
            if item.envelope.trace
            else contextlib.nullcontext()
        )
        with span:
            try:
                await self.projection.apply(ctx, item.envelope.event(), item.envelope)
            except WaitFor as wait:
                key = wait.key if wait.key is not None else item.envelope.key
                await self.parking.park(ctx.conn, item.record, item.envelope, wait.what, key)

    def _highwater(self, tp: TopicPartition, fallback: int) -> int:
        if self._consumer is None:
            return fallback
        return self._consumer.highwater(tp) or fallback

    def _measure_lag(self) -> None:
        for tp, lag in self._lag.items():
            LAG.labels(self.projection.name, tp.topic, str(tp.partition)).set(lag)


class _Reseek(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, runner: ProjectionRunner) -> None:
        self._runner = runner

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        # Records handed out from here on may come from positions the listener then moves:
        # reading ahead stops, and what it read is dropped.
        self._runner._positioning += 1
        for tp in revoked:
            self._runner._lag.pop(tp, None)
        # The batch in flight commits before this member rejoins: a member taking over its
        # partitions then reads stored offsets that include it instead of reading it again.
        async with self._runner._applying:
            pass

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        await self._runner._reposition(assigned)
