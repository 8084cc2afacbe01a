"""Fixtures shared by the backbone's integration tests."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime

import asyncpg
import pytest

from tandem_events.catalog.matching import PairCreated
from tandem_events.envelope import Envelope
from tandem_events.kafka_producer import EventPublisher
from tandem_events.relay import Relay
from tandem_service.database import connect
from tandem_testkit.owner import CATALOG_LOGS, provision_logs

SOURCE = "/tandem/test"


def pair_created(pair_id: str) -> PairCreated:
    return PairCreated(
        occurred_at=datetime(2026, 11, 24, tzinfo=UTC),
        actor_id="admin",
        pair_id=pair_id,
        program_id="prog-1",
        member_ids=("ana", "ben"),
        score=71.5,
    )


@pytest.fixture
def decoded(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many times each event id is decoded from a record during the test."""
    counts: Counter[str] = Counter()
    from_record = Envelope.from_record

    def counted(
        topic: str, key: bytes | None, value: bytes | None, headers: Iterable[tuple[str, bytes]]
    ) -> Envelope:
        envelope = from_record(topic, key, value, headers)
        counts[envelope.id] += 1
        return envelope

    monkeypatch.setattr(Envelope, "from_record", counted)
    return counts


async def wait_for(condition: Callable[[], Awaitable[object]], limit: float = 45) -> None:
    async with asyncio.timeout(limit):
        while not await condition():
            await asyncio.sleep(0.1)


async def relay_everything(relay: Relay, conn: asyncpg.Connection, pool: asyncpg.Pool) -> None:
    """Run relay passes until every stored event is published.

    ``pg_snapshot_xmin`` is cluster-wide, so a transaction open in another test's database
    can hold the relay back for a moment (a delay, never a loss).
    """
    progress = (0, 0)
    async with asyncio.timeout(30):
        while await relay.pending(pool) > 0:
            progress = await relay.relay_once(conn, *progress) or progress
            await asyncio.sleep(0.02)


async def publish_stored(pool: asyncpg.Pool, events_dsn: str, bootstrap: str, prefix: str) -> None:
    """Provision the catalog's logs under ``prefix`` and relay every stored event to them."""
    await provision_logs(bootstrap, prefix, CATALOG_LOGS, dead_letters=True)
    publisher = EventPublisher(bootstrap, topic_prefix=prefix)
    await publisher.start()
    conn = await connect(events_dsn)
    try:
        await relay_everything(Relay(events_dsn, publisher), conn, pool)
    finally:
        await conn.close()
        await publisher.stop()


async def run_until_published(relay: Relay, pool: asyncpg.Pool) -> None:
    """Run ``relay`` in the background until nothing stored is left unpublished, then stop it."""
    await relay.start()
    try:
        async with asyncio.timeout(60):
            while await relay.pending(pool) > 0:
                await asyncio.sleep(0.05)
    finally:
        await relay.stop()
