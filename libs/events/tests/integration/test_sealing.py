"""Crypto-shredding on the real servers: the store, the topic and a dump taken before erasure."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer

from tandem_events.catalog.engagement import CheckInLogged
from tandem_events.envelope import Envelope
from tandem_events.errors import EventError, TextErased
from tandem_events.key_wrapping import KeyUnavailable, SecretKeyWrapper
from tandem_events.sealing import PersonKeyring
from tandem_events.store import EventStore

from .conftest import publish_stored

SECRET = "Private: I am nervous about the promotion panel."


def notes_of(event: object) -> str:
    assert isinstance(event, CheckInLogged)
    assert event.notes is not None
    return event.notes


async def test_sealed_text_round_trips_and_is_bound_to_its_person(pool: asyncpg.Pool) -> None:
    keyring = PersonKeyring(pool, SecretKeyWrapper(os.urandom(32)))
    sealed = await keyring.seal("ana", "We talked about my first conference talk.")
    assert "conference" not in sealed
    assert await keyring.unseal(sealed) == "We talked about my first conference talk."
    assert await keyring.seal("ana", "same") != await keyring.seal("ana", "same"), "fresh nonce"
    forged = sealed.replace(sealed.split(":")[2], "YmVu")  # claim it is Ben's
    with pytest.raises(EventError):
        await keyring.unseal(forged)


async def test_the_stored_data_key_opens_only_with_the_kek(pool: asyncpg.Pool) -> None:
    kek = os.urandom(32)
    sealed = await PersonKeyring(pool, SecretKeyWrapper(kek)).seal("ana", "words")
    with pytest.raises(KeyUnavailable):
        await PersonKeyring(pool, SecretKeyWrapper(os.urandom(32))).unseal(sealed)
    rotated = PersonKeyring(pool, SecretKeyWrapper(os.urandom(32), previous=[kek]))
    assert await rotated.unseal(sealed) == "words"  # and rewrapped under the new KEK
    with pytest.raises(KeyUnavailable):
        await PersonKeyring(pool, SecretKeyWrapper(kek)).unseal(sealed)


async def test_a_first_seal_beside_an_erasure_never_leaves_a_key(pool: asyncpg.Pool) -> None:
    keyring = PersonKeyring(pool, SecretKeyWrapper(os.urandom(32)))

    async def seal(person: str) -> None:
        with contextlib.suppress(TextErased):
            await keyring.seal(person, "hello")

    people = [f"racer-{n}" for n in range(60)]
    await asyncio.gather(*(op for p in people for op in (seal(p), keyring.erase(p))))
    left = await pool.fetchval("SELECT count(*) FROM keyring.person_keys")
    assert left == 0, "an erased person must hold no key"


async def test_erasure_shreds_the_store_the_topic_and_needs_the_kek_for_an_older_dump(
    pool: asyncpg.Pool,
    events_dsn: str,
    kafka_bootstrap: str,
    topic_name: Callable[[str], str],
    tmp_path: Path,
) -> None:
    kek = os.urandom(32)
    keyring = PersonKeyring(pool, SecretKeyWrapper(kek))
    store = EventStore(pool, "/tandem/test")
    for n, (person, text) in enumerate([("ana", SECRET), ("ben", "Ben's notes stay readable.")]):
        event = CheckInLogged(
            occurred_at=datetime(2026, 11, 24, tzinfo=UTC),
            actor_id=person,
            pair_id="pair-1",
            check_in_id=f"c{n}",
            met_on=date(2026, 11, 24),
            duration_minutes=30,
            notes=await keyring.seal(person, text),
        )
        await store.append("pair-1", n, [event])
    prefix = topic_name("shred") + "."
    await publish_stored(pool, events_dsn, kafka_bootstrap, prefix)
    on_kafka = await _notes_on_topic(kafka_bootstrap, prefix + "engagement.events")
    assert await keyring.unseal(on_kafka[0]) == SECRET, "readable before the erasure"
    dump = tmp_path / "before-erasure.sql"
    dumping = await asyncio.create_subprocess_exec(
        "pg_dump", "--dbname", events_dsn, "--file", str(dump)
    )
    assert await dumping.wait() == 0

    assert await keyring.erase("ana")

    stored = [notes_of(e.event()) for e in await store.read_stream("pair-1")]
    assert stored[0] == on_kafka[0], "the same ciphertext in the store and on the topic"
    for copy in (stored[0], on_kafka[0]):
        with pytest.raises(TextErased):
            await keyring.unseal(copy)  # the live keyring holds the KEK, and still cannot
    assert await keyring.unseal(stored[1]) == "Ben's notes stay readable."
    with pytest.raises(TextErased, match="erased"):
        await keyring.seal("ana", "an erased person gets no new key")

    text = dump.read_text()
    assert SECRET not in text
    assert base64.b64encode(kek).decode() not in text
    assert kek.hex() not in text
    wrapped, kek_id = _dumped_key(text, "ana")
    with pytest.raises(KeyUnavailable):  # the dump alone: the wrapped key opens with no guess
        await SecretKeyWrapper(os.urandom(32)).unwrap("ana", wrapped, kek_id)
    # The promise as documented: the old dump together with the KEK still opens it, which is
    # why the KEK of a backup generation is retired when erasures must reach that backup.
    data_key = await SecretKeyWrapper(kek).unwrap("ana", wrapped, kek_id)
    assert data_key not in text.encode()
    assert data_key.hex() not in text


async def _notes_on_topic(bootstrap: str, topic: str) -> list[str]:
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest")
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
    return [
        notes_of(Envelope.from_record(r.topic, r.key, r.value, r.headers).event()) for r in records
    ]


def _dumped_key(dump: str, person_id: str) -> tuple[bytes, str]:
    """The wrapped key and KEK id of ``person_id`` in the dump's ``keyring.person_keys``."""
    match = re.search(rf"^{person_id}\t\\\\x([0-9a-f]+)\t[^\t]+\t(\S+)$", dump, flags=re.MULTILINE)
    assert match is not None, "the keyring's rows are in the dump"
    return bytes.fromhex(match.group(1)), match.group(2)
