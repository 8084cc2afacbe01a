"""The outbox relay: publishes every committed event to Kafka, gap-free, in aggregate order.

Gap-freedom (see docs/decisions/0004-gap-free-relay.md): rows are read in (tx_id, position)
order and only below ``pg_snapshot_xmin(pg_current_snapshot())``, the oldest transaction still
running. Every transaction below it has finished, so no row can later appear behind the
relay's progress, whatever order transactions commit in.
"""

from __future__ import annotations

import asyncio
import contextlib
import zlib
from collections.abc import Awaitable, Callable

from prometheus_client import Gauge

from tandem_events.kafka_producer import EventPublisher
from tandem_events.relay_batches import RelayBatches
from tandem_events.relay_pace import IdlePace
from tandem_service.database import connect
from tandem_service.logging import get_logger

LEADER = Gauge("tandem_relay_leader", "1 while this instance holds the relay lease", ["relay"])

log = get_logger("tandem.relay")


class Relay(RelayBatches):
    """Runs while its process lives; only the instance holding the advisory lock publishes."""

    def __init__(
        self,
        dsn: str,
        publisher: EventPublisher,
        name: str = "outbox",
        batch_size: int = 5000,
        idle_seconds: float = 0.02,
        quiet_seconds: float = 0.1,
        provision: Callable[[], Awaitable[object]] | None = None,
    ) -> None:
        self._dsn = dsn
        self._publisher = publisher
        self.name = name
        self._batch = batch_size
        self._pace = (idle_seconds, quiet_seconds)
        self.pace = IdlePace(idle_seconds, quiet_seconds)  # the leading connection's
        self._provision = provision
        self._lock_key = zlib.crc32(f"tandem-relay:{name}".encode())
        self._task: asyncio.Task[None] | None = None
        self.is_leader = False
        # A publish failed: sends of it may still be in flight (see _lead).
        self._unsettled = False

    async def start(self) -> None:
        """Start relaying in the background."""
        self._task = asyncio.create_task(self._run(), name=f"relay-{self.name}")

    async def stop(self) -> None:
        """Stop after the batch in flight."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            try:
                await self._lead()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # broker or database away: back off, then take over again
                log.warning("relay interrupted", relay=self.name, error=str(exc))
                self._unsettled = True
                await asyncio.sleep(1.0)
            finally:
                self.is_leader = False
                LEADER.labels(self.name).set(0)

    async def _lead(self) -> None:
        conn = await connect(self._dsn)
        try:
            # Another instance relays while the lock is taken: stand by.
            while not await conn.fetchval(  # noqa: ASYNC110
                "SELECT pg_try_advisory_lock($1)", self._lock_key
            ):
                await asyncio.sleep(1.0)
            if self._provision is not None:
                # Topics exist, as planned, before the first publish: a broker that
                # auto-creates topics would otherwise make them with its own defaults.
                await self._provision()
            self.is_leader = True
            LEADER.labels(self.name).set(1)
            row = await conn.fetchrow(
                "SELECT tx_id, position FROM relay_progress WHERE relay = $1", self.name
            )
            tx_id, position = (int(row[0]), int(row[1])) if row else (0, 0)
            # Pipelined: while the broker acknowledges one batch, the next one is read.
            # Progress is still saved only after a batch's acknowledgement, in order.
            if self._unsettled:
                # A publish that failed on a timeout may have left other partitions' sends
                # in the producer: settled first, none of them lands after the tail check.
                await self._publisher.renew()
                self._unsettled = False
            rows = await self._fetch(conn, tx_id, position)
            # A leader killed between publishing and saving its progress left (part of) this
            # batch on the log: publish only what is not there (log_tail).
            fresh = await self._not_on_log(rows)
            pace = self.pace = IdlePace(*self._pace)
            while True:
                if not rows:
                    await asyncio.sleep(pace.after_empty_read())
                    rows = fresh = await self._fetch(conn, tx_id, position)
                    continue
                pace.found_rows()
                sending = asyncio.ensure_future(self._publish(fresh))
                try:
                    last = rows[-1]
                    following = await self._fetch(conn, int(last[1]), int(last[0]))
                finally:
                    await sending
                tx_id, position = await self._save(conn, rows)
                rows = fresh = following
        finally:
            await conn.close()
