"""The projection runner on the real servers: order tolerance, exactly-once effect, dead letters."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from tandem_events.envelope import Envelope
from tandem_events.kafka_producer import EventPublisher
from tandem_events.runner import ProjectionRunner
from tandem_testkit.owner import CATALOG_LOGS, provision_logs
from tandem_testkit.pair_activity import PairActivity

from ..conftest import check_in
from .conftest import SOURCE, pair_created, wait_for


async def check_ins(pool: asyncpg.Pool, pair_id: str) -> int | None:
    return await pool.fetchval("SELECT check_ins FROM pair_activity WHERE pair_id = $1", pair_id)


async def test_a_check_in_before_its_pair_waits_then_applies_once(
    activity_pool: asyncpg.Pool, kafka_bootstrap: str, topic_name: Callable[[str], str]
) -> None:
    prefix = topic_name("order") + "."
    await provision_logs(kafka_bootstrap, prefix, CATALOG_LOGS, dead_letters=True)
    publisher = EventPublisher(kafka_bootstrap, topic_prefix=prefix)
    await publisher.start()
    runner = ProjectionRunner(
        activity_pool, kafka_bootstrap, PairActivity(), group_id=prefix + "g", topic_prefix=prefix
    )
    try:
        # Topics exist before the group joins, so the runner is assigned both.
        await publisher.publish([Envelope.wrap(check_in("pair-1", 1), SOURCE)])
        await runner.start()

        async def parked() -> bool:
            return bool(await activity_pool.fetchval("SELECT count(*) FROM projection_parked"))

        await wait_for(parked)
        await publisher.publish([Envelope.wrap(pair_created("pair-1"), SOURCE)])
        await publisher.publish([Envelope.wrap(check_in("pair-1", 2), SOURCE)])

        async def both_counted() -> bool:
            return await check_ins(activity_pool, "pair-1") == 2

        await wait_for(both_counted)
        assert await activity_pool.fetchval("SELECT count(*) FROM projection_parked") == 0
    finally:
        await runner.stop()
        await publisher.stop()


async def test_offsets_lost_from_the_database_redeliver_without_a_second_effect(
    activity_pool: asyncpg.Pool, kafka_bootstrap: str, topic_name: Callable[[str], str]
) -> None:
    prefix = topic_name("redeliver") + "."
    await provision_logs(kafka_bootstrap, prefix, CATALOG_LOGS, dead_letters=True)
    publisher = EventPublisher(kafka_bootstrap, topic_prefix=prefix)
    await publisher.start()
    await publisher.publish(
        [Envelope.wrap(pair_created("pair-9"), SOURCE)]
        + [Envelope.wrap(check_in("pair-9", i), SOURCE) for i in range(3)]
    )
    await publisher.stop()
    for attempt in range(2):
        # The second runner starts from the beginning: its group is new, the offsets are gone.
        await activity_pool.execute("DELETE FROM projection_offsets")
        runner = ProjectionRunner(
            activity_pool,
            kafka_bootstrap,
            PairActivity(),
            group_id=f"{prefix}g{attempt}",
            topic_prefix=prefix,
        )
        await runner.start()
        try:
            await wait_for(lambda: _equals(_offsets_saved(activity_pool), 4))
        finally:
            await runner.stop()
        assert await check_ins(activity_pool, "pair-9") == 3


async def _offsets_saved(pool: asyncpg.Pool) -> int:
    """The sum of stored offsets, or -1 while an event is still parked."""
    if await pool.fetchval("SELECT count(*) FROM projection_parked"):
        return -1
    return int(await pool.fetchval("SELECT coalesce(sum(next_offset), 0) FROM projection_offsets"))


BAD_RECORDS: list[tuple[str, list[tuple[str, bytes]], bytes, str]] = [
    (
        "unknown type",
        [("ce_type", b"tandem.engagement.Teleported.v1")],
        b"{}",
        "unknown event type",
    ),
    (
        "missing field",
        [("ce_type", b"tandem.engagement.CheckInLogged.v1")],
        b'{"pair_id": "pair-5", "actor_id": "p", "occurred_at": "2026-11-24T09:00:00+00:00"}',
        "field 'check_in_id'",
    ),
    (
        "malformed JSON",
        [("ce_type", b"tandem.engagement.CheckInLogged.v1")],
        b"{not json",
        "malformed record",
    ),
    ("missing header", [], b"{}", "missing CloudEvents header"),
]


def _headers(extra: list[tuple[str, bytes]], n: int) -> list[tuple[str, bytes]]:
    base = {
        "ce_specversion": b"1.0",
        "ce_id": f"bad-{n}".encode(),
        "ce_source": b"/x",
        "ce_time": b"2026-11-24T09:00:00+00:00",
        "ce_type": b"",
    }
    base.update(dict(extra))
    if not extra:
        del base["ce_type"]
    return list(base.items())


async def test_bad_records_go_to_the_dead_letter_topic_and_the_runner_goes_on(
    activity_pool: asyncpg.Pool, kafka_bootstrap: str, topic_name: Callable[[str], str]
) -> None:
    prefix = topic_name("dlq") + "."
    await provision_logs(kafka_bootstrap, prefix, CATALOG_LOGS, dead_letters=True)
    topic = prefix + "engagement.events"
    publisher = EventPublisher(kafka_bootstrap, topic_prefix=prefix)
    await publisher.start()
    await publisher.publish(
        [
            Envelope.wrap(pair_created("pair-5"), SOURCE),
            Envelope.wrap(check_in("pair-5", 1), SOURCE),
        ]
    )
    runner = ProjectionRunner(
        activity_pool, kafka_bootstrap, PairActivity(), group_id=prefix + "g", topic_prefix=prefix
    )
    await runner.start()
    raw = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await raw.start()
    try:
        await wait_for(lambda: _equals(check_ins(activity_pool, "pair-5"), 1))
        for n, (_, headers, value, _) in enumerate(BAD_RECORDS):
            await raw.send_and_wait(topic, value, key=b"pair-5", headers=_headers(headers, n))
        # A newer version than this consumer knows waits for the consumer's upgrade.
        newer = _headers([("ce_type", b"tandem.engagement.CheckInLogged.v9")], 99)
        await raw.send_and_wait(topic, b"{}", key=b"pair-5", headers=newer)
        await publisher.publish([Envelope.wrap(check_in("pair-5", 2), SOURCE)])
        await wait_for(lambda: _equals(check_ins(activity_pool, "pair-5"), 2))
        parked = await activity_pool.fetchval("SELECT waiting_for FROM projection_parked")
        assert parked == "a consumer that knows tandem.engagement.CheckInLogged.v9"
    finally:
        await raw.stop()
        await runner.stop()
        await publisher.stop()
    reasons = await dead_letter_reasons(kafka_bootstrap, topic + ".dlq", len(BAD_RECORDS))
    assert len(reasons) == len(BAD_RECORDS), "each dead letter sent once"
    for (case, _, _, expected), (_, reason) in zip(BAD_RECORDS, reasons, strict=True):
        assert expected in reason, f"{case}: {reason}"
    assert await check_ins(activity_pool, "pair-5") == 2


async def _equals(value: object, expected: object) -> bool:
    return await value == expected  # type: ignore[misc]


async def dead_letter_reasons(
    bootstrap: str, topic: str, expected: int, settle: float = 2.0
) -> list[tuple[str, str]]:
    """(original offset or event id, reason) of every record on a dead-letter topic.

    Reads until ``expected`` arrived, then ``settle`` seconds more, so a copy would show.
    """
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest")
    await consumer.start()
    found: list[tuple[int, str, str]] = []
    try:
        async with asyncio.timeout(30):
            while len(found) < expected:
                found += _reasons(await consumer.getmany(timeout_ms=1000))
        await asyncio.sleep(settle)
        found += _reasons(await consumer.getmany(timeout_ms=1000))
    finally:
        await consumer.stop()
    return [(ident, reason) for _, ident, reason in sorted(found)]


def _reasons(batches: dict[object, list[Any]]) -> list[tuple[int, str, str]]:
    found = []
    for records in batches.values():
        for r in records:
            h = dict(r.headers)
            ident = h.get("ce_id", h["dlq_original_offset"]).decode()
            found.append((int(h["dlq_original_offset"]), ident, h["dlq_reason"].decode()))
    return found


async def test_an_event_republished_at_a_new_offset_is_applied_once(
    activity_pool: asyncpg.Pool, kafka_bootstrap: str, topic_name: Callable[[str], str]
) -> None:
    prefix = topic_name("republish") + "."
    await provision_logs(kafka_bootstrap, prefix, CATALOG_LOGS, dead_letters=True)
    publisher = EventPublisher(kafka_bootstrap, topic_prefix=prefix)
    await publisher.start()
    once = Envelope.wrap(check_in("pair-r", 1), SOURCE)
    # What a relay crash between publishing and saving its progress leaves on the topic.
    await publisher.publish([Envelope.wrap(pair_created("pair-r"), SOURCE), once])
    await publisher.publish([once, Envelope.wrap(check_in("pair-r", 2), SOURCE)])
    runner = ProjectionRunner(
        activity_pool, kafka_bootstrap, PairActivity(), group_id=prefix + "g", topic_prefix=prefix
    )
    await runner.start()
    try:

        async def three_applied() -> bool:
            applied = await activity_pool.fetchval(
                "SELECT count(*) FROM projection_applied WHERE projection = 'pair_activity'"
            )
            return bool(applied == 3)

        await wait_for(three_applied)
        await asyncio.sleep(1.0)
        assert await check_ins(activity_pool, "pair-r") == 2
    finally:
        await runner.stop()
        await publisher.stop()


async def test_a_runner_started_before_its_inputs_exist_consumes_each_once_its_owner_creates_it(
    activity_pool: asyncpg.Pool, kafka_bootstrap: str, topic_name: Callable[[str], str]
) -> None:
    # Brokers do not auto-create topics: a consumer deployed before the topics' owners must
    # start (not block the service's start), say what it waits for, and pick each topic up.
    prefix = topic_name("late") + "."
    runner = ProjectionRunner(
        activity_pool, kafka_bootstrap, PairActivity(), group_id=prefix + "g", topic_prefix=prefix
    )
    await asyncio.wait_for(runner.start(), 10)
    publisher = EventPublisher(kafka_bootstrap, topic_prefix=prefix)
    await publisher.start()
    try:

        async def waiting_for_both() -> bool:
            return runner.waiting_for == runner.topics

        await wait_for(waiting_for_both)
        readiness = runner.readiness(max_lag=0)
        assert readiness.ok
        assert isinstance(readiness.detail, dict)
        assert readiness.detail["waiting_for_topics"] == runner.topics

        await provision_logs(kafka_bootstrap, prefix, ["matching.events"])
        await publisher.publish([Envelope.wrap(pair_created("pair-7"), SOURCE)])
        await wait_for(lambda: _equals(check_ins(activity_pool, "pair-7"), 0))

        await provision_logs(kafka_bootstrap, prefix, ["engagement.events"])
        await publisher.publish([Envelope.wrap(check_in("pair-7", 1), SOURCE)])
        await wait_for(lambda: _equals(check_ins(activity_pool, "pair-7"), 1))
        assert runner.waiting_for == []
    finally:
        await publisher.stop()
        await runner.stop()
