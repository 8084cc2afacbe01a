"""A relay that takes over after a leader died between publishing and saving its progress.

The dead leader is played by ``relay_once`` (publish, then save) followed by deleting the
saved progress: exactly what the log and the database hold after a SIGKILL in that window.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterable

import asyncpg
import pytest
from aiokafka.errors import KafkaTimeoutError

from tandem_events.kafka_producer import EventPublisher, WireRecord
from tandem_events.relay import Relay
from tandem_events.store import EventStore
from tandem_service.database import connect
from tandem_testkit.owner import CATALOG_LOGS, provision_logs

from ..conftest import check_in
from .conftest import run_until_published
from .test_relay import consume_records, versions_on_kafka

PAIRS, PER_PAIR = 30, 4


@pytest.fixture
async def prefix(kafka_bootstrap: str, topic_name: Callable[[str], str]) -> str:
    prefix = topic_name("relay-takeover") + "."
    await provision_logs(kafka_bootstrap, prefix, CATALOG_LOGS, dead_letters=True)
    return prefix


@pytest.fixture
async def publisher(kafka_bootstrap: str, prefix: str) -> AsyncIterator[EventPublisher]:
    publisher = EventPublisher(kafka_bootstrap, topic_prefix=prefix)
    await publisher.start()
    yield publisher
    await publisher.stop()


async def _store_events(pool: asyncpg.Pool) -> int:
    store = EventStore(pool, "/tandem/test")
    for n in range(1, PER_PAIR + 1):
        for p in range(PAIRS):
            await store.append(f"pair-{p}", n - 1, [check_in(f"pair-{p}", n)])
    return PAIRS * PER_PAIR


async def _die_after_publishing(events_dsn: str, publisher: EventPublisher, rows: int) -> None:
    """Publish the first ``rows`` events as a leader would, then lose the saved progress."""
    conn = await connect(events_dsn)
    try:
        relay = Relay(events_dsn, publisher, batch_size=rows)
        # A write transaction in another database of the cluster holds the relay's horizon
        # back for a moment (xids are cluster-wide, ADR 0004): ask again until it has passed.
        async with asyncio.timeout(30):
            while not await relay.relay_once(conn, 0, 0):
                await asyncio.sleep(0.05)
        await conn.execute("DELETE FROM relay_progress")
    finally:
        await conn.close()


@pytest.mark.parametrize("published_before", [7, 45, 120])
async def test_a_new_leader_publishes_only_what_the_dead_one_left_off(
    pool: asyncpg.Pool,
    events_dsn: str,
    kafka_bootstrap: str,
    prefix: str,
    publisher: EventPublisher,
    published_before: int,
) -> None:
    """7 or 45 of the new leader's first batch of 120 on the log, or all of it; no progress."""
    stored = await _store_events(pool)
    await _die_after_publishing(events_dsn, publisher, published_before)
    await run_until_published(Relay(events_dsn, publisher, batch_size=120), pool)

    records = await consume_records(kafka_bootstrap, prefix + "engagement.events", stored + 1, 8)
    copies = Counter(dict(r.headers)["ce_id"].decode() for r in records)
    assert len(copies) == stored, "every stored event on the log"
    assert max(copies.values()) == 1, f"{sum(copies.values()) - stored} events published twice"
    versions = await versions_on_kafka(pool, records)
    assert all(v == list(range(1, PER_PAIR + 1)) for v in versions.values())
    published = await pool.fetchval("SELECT published FROM relay_progress")
    assert published == stored, "the progress counts every event on the log, skipped or sent"


async def test_a_tail_from_elsewhere_skips_nothing(
    pool: asyncpg.Pool,
    events_dsn: str,
    kafka_bootstrap: str,
    prefix: str,
    publisher: EventPublisher,
) -> None:
    """Records this store does not hold at the end of a partition prove nothing."""
    store = EventStore(pool, "/tandem/test")
    await store.append("pair-x", 0, [check_in("pair-x")])
    await _die_after_publishing(events_dsn, publisher, 1)
    await pool.execute("DELETE FROM events")  # a store reset behind a log that remembers
    await pool.execute("DELETE FROM streams")
    stored = await _store_events(pool)
    await run_until_published(Relay(events_dsn, publisher), pool)

    records = await consume_records(kafka_bootstrap, prefix + "engagement.events", stored + 2, 8)
    ids = Counter(dict(r.headers)["ce_id"].decode() for r in records)
    assert len(ids) == stored + 1
    assert max(ids.values()) == 1


class _TimedOutLog:
    """A log whose first produce request times out with its records still in flight.

    Stands for a broker that fails a produce request after the client's timeout while the
    producer still holds sends of the same batch: they land late, whenever the old producer
    gets to send them, unless it is stopped and drained first (``renew``).
    """

    def __init__(self) -> None:
        self.log: dict[tuple[str, int], list[str]] = {}
        self._in_flight: list[WireRecord] = []
        self._failed = False

    async def placement(self, topic: str, key: bytes) -> tuple[str, int]:
        return topic, 0

    async def last_event_ids(self, placements: object) -> dict[tuple[str, int], str]:
        return {p: ids[-1] for p, ids in self.log.items() if ids}

    async def publish_records(self, records: Iterable[WireRecord]) -> None:
        self._land()  # the old producer's sends go out with the next request
        if not self._failed:
            self._failed = True
            self._in_flight = list(records)
            raise KafkaTimeoutError("produce request timed out")
        self._append(list(records))

    async def renew(self) -> None:
        self._land()

    def _land(self) -> None:
        self._append(self._in_flight)
        self._in_flight = []

    def _append(self, records: list[WireRecord]) -> None:
        for topic, _, _, headers in records:
            self.log.setdefault((topic, 0), []).append(dict(headers)["ce_id"].decode())


async def test_sends_left_in_flight_by_a_timed_out_publish_settle_before_the_tail_check(
    pool: asyncpg.Pool, events_dsn: str
) -> None:
    """After a failed publish the relay drains its producer, then reads the tail: no copies."""
    stored = await _store_events(pool)
    log = _TimedOutLog()
    relay = Relay(events_dsn, log, batch_size=500)  # type: ignore[arg-type]
    await run_until_published(relay, pool)

    ids = Counter(i for partition in log.log.values() for i in partition)
    assert len(ids) == stored, "every stored event on the log"
    assert max(ids.values()) == 1, f"{sum(ids.values()) - stored} events published twice"
