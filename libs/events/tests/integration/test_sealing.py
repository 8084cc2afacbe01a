"""Crypto-shredding on the real servers: erasing a key makes text unreadable in store and Kafka."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, date, datetime

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer

from tandem_events.catalog.engagement import CheckInLogged
from tandem_events.envelope import Envelope
from tandem_events.errors import EventError, TextErased
from tandem_events.kafka_producer import EventPublisher
from tandem_events.relay import Relay
from tandem_events.sealing import PersonKeyring
from tandem_events.store import EventStore
from tandem_service.database import connect

from .conftest import relay_everything


async def test_sealed_text_round_trips_and_is_bound_to_its_person(pool: asyncpg.Pool) -> None:
    keyring = PersonKeyring(pool)
    sealed = await keyring.seal("ana", "We talked about my first conference talk.")
    assert "conference" not in sealed
    assert await keyring.unseal(sealed) == "We talked about my first conference talk."
    assert await keyring.seal("ana", "same") != await keyring.seal("ana", "same"), "fresh nonce"
    forged = sealed.replace(sealed.split(":")[2], "YmVu")  # claim it is Ben's
    with pytest.raises(EventError):
        await keyring.unseal(forged)


async def test_erasing_a_person_shreds_their_text_in_the_store_and_on_kafka(
    pool: asyncpg.Pool, events_dsn: str, kafka_bootstrap: str, topic_name: Callable[[str], str]
) -> None:
    keyring = PersonKeyring(pool)
    notes = await keyring.seal("ana", "Private: I am nervous about the promotion panel.")
    other = await keyring.seal("ben", "Ben's notes stay readable.")
    store = EventStore(pool, "/tandem/test")
    for n, text in enumerate([notes, other]):
        event = CheckInLogged(
            occurred_at=datetime(2026, 11, 24, tzinfo=UTC),
            actor_id="ana",
            pair_id="pair-1",
            check_in_id=f"c{n}",
            met_on=date(2026, 11, 24),
            duration_minutes=30,
            notes=text,
        )
        await store.append("pair-1", n, [event])
    prefix = topic_name("shred") + "."
    publisher = EventPublisher(kafka_bootstrap, topic_prefix=prefix)
    await publisher.start()
    conn = await connect(events_dsn)
    try:
        await relay_everything(Relay(events_dsn, publisher), conn, pool)
    finally:
        await conn.close()
        await publisher.stop()

    assert await keyring.erase("ana")
    stored = [e.event() for e in await store.read_stream("pair-1")]
    with pytest.raises(TextErased):
        await keyring.unseal(stored[0].notes)  # type: ignore[attr-defined]
    assert await keyring.unseal_or_none(stored[0].notes) is None  # type: ignore[attr-defined]
    assert await keyring.unseal(stored[1].notes) == "Ben's notes stay readable."  # type: ignore[attr-defined]

    consumer = AIOKafkaConsumer(
        prefix + "engagement.events",
        bootstrap_servers=kafka_bootstrap,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    records = []
    try:
        async with asyncio.timeout(30):
            while len(records) < 2:
                records += [
                    r for rs in (await consumer.getmany(timeout_ms=1000)).values() for r in rs
                ]
    finally:
        await consumer.stop()
    records.sort(key=lambda r: r.offset)
    on_kafka = [Envelope.from_record(r.topic, r.key, r.value, r.headers).event() for r in records]
    assert b"promotion" not in b"".join(r.value for r in records)
    with pytest.raises(TextErased):
        await keyring.unseal(on_kafka[0].notes)  # type: ignore[attr-defined]
    with pytest.raises(TextErased, match="erased"):
        await keyring.seal("ana", "an erased person gets no new key")
