"""Parked events and dead letters through the runner's public API, on the real servers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta

import asyncpg
from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, RecordsToDelete

from tandem_events.catalog.base import DomainEvent
from tandem_events.catalog.engagement import CheckInLogged
from tandem_events.dead_letters import replay_dead_letters
from tandem_events.envelope import Envelope
from tandem_events.kafka_producer import EventPublisher, ensure_topics
from tandem_events.projection import ProjectionContext, WaitFor
from tandem_events.runner import ProjectionRunner
from tandem_testkit.owner import CATALOG_LOGS, provision_logs
from tandem_testkit.pair_activity import PairActivity

from ..conftest import check_in
from .conftest import SOURCE, pair_created, wait_for
from .test_runner import check_ins, dead_letter_reasons


class Fragile(PairActivity):
    """PairActivity that cannot apply check-ins named ``*-bad`` (once their pair exists), and
    whose database drops the connection the second time it sees a check-in named ``*-kill``."""

    def __init__(self) -> None:
        self.sightings: dict[str, int] = {}

    async def apply(self, ctx: ProjectionContext, event: DomainEvent, envelope: Envelope) -> None:
        """Fail on purpose where the name says so, else count as PairActivity does."""
        if isinstance(event, CheckInLogged):
            seen = self.sightings[event.check_in_id] = self.sightings.get(event.check_in_id, 0) + 1
            table = ctx.table("pair_activity")
            if event.check_in_id.endswith("-bad"):
                if await ctx.conn.fetchval(
                    f"SELECT 1 FROM {table} WHERE pair_id = $1", event.pair_id
                ):
                    raise ValueError("this check-in cannot be applied")
                raise WaitFor(f"PairCreated {event.pair_id}")
            if event.check_in_id.endswith("-kill") and seen == 2:
                await ctx.conn.fetchval("SELECT pg_terminate_backend(pg_backend_pid())")
        await super().apply(ctx, event, envelope)


def named(pair_id: str, name: str) -> CheckInLogged:
    return check_in(pair_id).model_copy(update={"check_in_id": f"{pair_id}-{name}"})


@asynccontextmanager
async def running(
    pool: asyncpg.Pool, bootstrap: str, prefix: str, projection: PairActivity, **options: object
) -> AsyncIterator[ProjectionRunner]:
    runner = ProjectionRunner(
        pool,
        bootstrap,
        projection,
        group_id=prefix + "g",
        topic_prefix=prefix,
        **options,  # type: ignore[arg-type]  # keyword options of the runner
    )
    await runner.start()
    try:
        yield runner
    finally:
        await runner.stop()


async def sent(pool: asyncpg.Pool) -> int:
    """Dead letters published to the dead-letter topic."""
    return await count(pool, "projection_dead_letters WHERE sent_at IS NOT NULL")


async def count(pool: asyncpg.Pool, table: str) -> int:
    return int(await pool.fetchval(f"SELECT count(*) FROM {table}"))


async def test_a_database_error_in_the_one_by_one_pass_dead_letters_no_innocent_event(
    activity_pool: asyncpg.Pool, kafka_bootstrap: str, topic_name: Callable[[str], str]
) -> None:
    prefix = topic_name("transient") + "."
    await provision_logs(kafka_bootstrap, prefix, CATALOG_LOGS, dead_letters=True)
    publisher = EventPublisher(kafka_bootstrap, topic_prefix=prefix)
    await publisher.start()
    await publisher.publish([Envelope.wrap(pair_created("pair-t"), SOURCE)])
    await publisher.publish(
        [
            Envelope.wrap(named("pair-t", "bad"), SOURCE),
            Envelope.wrap(named("pair-t", "kill"), SOURCE),
        ]
    )
    try:
        async with running(activity_pool, kafka_bootstrap, prefix, Fragile()):
            await wait_for(lambda: _equals(check_ins(activity_pool, "pair-t"), 1), limit=60)
            await wait_for(lambda: _equals(sent(activity_pool), 1))
    finally:
        await publisher.stop()
    topic = prefix + "engagement.events.dlq"
    reasons = await dead_letter_reasons(kafka_bootstrap, topic, 1)
    assert len(reasons) == 1, "the bad event once, the innocent one never"
    assert "cannot be applied" in reasons[0][1]


async def _equals(value: object, expected: object) -> bool:
    return await value == expected  # type: ignore[misc]


async def test_a_parked_event_outlives_any_number_of_loops_within_its_horizon(
    activity_pool: asyncpg.Pool, kafka_bootstrap: str, topic_name: Callable[[str], str]
) -> None:
    """A stalled upstream relay: the check-in waits while the runner loops 600 times."""
    prefix = topic_name("stall") + "."
    await provision_logs(kafka_bootstrap, prefix, CATALOG_LOGS, dead_letters=True)
    publisher = EventPublisher(kafka_bootstrap, topic_prefix=prefix)
    await publisher.start()
    await ensure_topics(kafka_bootstrap, [prefix + "matching.events", prefix + "engagement.events"])
    await publisher.publish([Envelope.wrap(check_in("pair-late", 1), SOURCE)])
    try:
        async with running(
            activity_pool,
            kafka_bootstrap,
            prefix,
            PairActivity(),
            park_recheck=timedelta(milliseconds=1),
        ):
            await wait_for(lambda: _equals(count(activity_pool, "projection_parked"), 1))
            await publisher.publish([Envelope.wrap(pair_created("pair-other"), SOURCE)])
            for n in range(600):  # one runner loop (at least) per publish
                await publisher.publish([Envelope.wrap(check_in("pair-other", n), SOURCE)])
            await wait_for(lambda: _equals(check_ins(activity_pool, "pair-other"), 600), 90)
            attempts = await activity_pool.fetchval("SELECT attempts FROM projection_parked")
            assert attempts >= 5, "retried meanwhile (with a backoff)"
            await publisher.publish([Envelope.wrap(pair_created("pair-late"), SOURCE)])
            await wait_for(lambda: _equals(check_ins(activity_pool, "pair-late"), 1))
    finally:
        await publisher.stop()
    assert await count(activity_pool, "projection_dead_letters") == 0


async def test_past_its_horizon_a_parked_event_is_dead_lettered_once_and_can_be_replayed(
    activity_pool: asyncpg.Pool, kafka_bootstrap: str, topic_name: Callable[[str], str]
) -> None:
    prefix = topic_name("horizon") + "."
    await provision_logs(kafka_bootstrap, prefix, CATALOG_LOGS, dead_letters=True)
    publisher = EventPublisher(kafka_bootstrap, topic_prefix=prefix)
    await publisher.start()
    await ensure_topics(kafka_bootstrap, [prefix + "matching.events", prefix + "engagement.events"])
    late = Envelope.wrap(check_in("pair-h", 1), SOURCE)
    await publisher.publish([late])
    projection = PairActivity()
    try:
        async with running(
            activity_pool,
            kafka_bootstrap,
            prefix,
            projection,
            park_horizon=timedelta(seconds=1),
            park_recheck=timedelta(milliseconds=100),
        ):
            await wait_for(lambda: _equals(sent(activity_pool), 1))
            await publisher.publish([Envelope.wrap(pair_created("pair-h"), SOURCE)])
            await wait_for(lambda: _equals(count(activity_pool, "pair_activity"), 1))
            assert await check_ins(activity_pool, "pair-h") == 0, "claimed, dead, not applied"
            replayed = await replay_dead_letters(activity_pool, projection.name, timedelta(hours=1))
            assert replayed == 1
            await wait_for(lambda: _equals(check_ins(activity_pool, "pair-h"), 1))
    finally:
        await publisher.stop()
    reasons = await dead_letter_reasons(kafka_bootstrap, prefix + "engagement.events.dlq", 1)
    assert reasons == [(late.id, "gave up waiting for PairCreated pair-h")]


async def test_a_bad_parked_event_does_not_hold_back_the_others(
    activity_pool: asyncpg.Pool, kafka_bootstrap: str, topic_name: Callable[[str], str]
) -> None:
    prefix = topic_name("poison") + "."
    await provision_logs(kafka_bootstrap, prefix, CATALOG_LOGS, dead_letters=True)
    publisher = EventPublisher(kafka_bootstrap, topic_prefix=prefix)
    await publisher.start()
    await ensure_topics(kafka_bootstrap, [prefix + "matching.events", prefix + "engagement.events"])
    await publisher.publish(
        [Envelope.wrap(named("pair-x", "bad"), SOURCE)]
        + [Envelope.wrap(named(p, "fine"), SOURCE) for p in ("pair-x", "pair-y", "pair-z")]
    )
    try:
        async with running(activity_pool, kafka_bootstrap, prefix, Fragile()):
            await wait_for(lambda: _equals(count(activity_pool, "projection_parked"), 4))
            await publisher.publish(
                [Envelope.wrap(pair_created(p), SOURCE) for p in ("pair-x", "pair-y")]
            )
            await wait_for(lambda: _equals(check_ins(activity_pool, "pair-y"), 1))
            await wait_for(lambda: _equals(check_ins(activity_pool, "pair-x"), 1))
            await wait_for(lambda: _equals(sent(activity_pool), 1))
            left = await activity_pool.fetch("SELECT record_key, attempts FROM projection_parked")
            # pair-z's PairCreated never came: it was not retried for the others' arrivals.
            assert [(r["record_key"], r["attempts"]) for r in left] == [("pair-z", 0)]
    finally:
        await publisher.stop()
    reasons = await dead_letter_reasons(kafka_bootstrap, prefix + "engagement.events.dlq", 1)
    assert len(reasons) == 1
    assert "cannot be applied" in reasons[0][1]


async def test_offsets_removed_by_retention_do_not_stall_the_runner(
    activity_pool: asyncpg.Pool, kafka_bootstrap: str, topic_name: Callable[[str], str]
) -> None:
    prefix = topic_name("retention") + "."
    topic = prefix + "matching.events"
    publisher = EventPublisher(kafka_bootstrap, topic_prefix=prefix)
    await publisher.start()
    await ensure_topics(kafka_bootstrap, [topic, prefix + "engagement.events"], partitions=1)
    await publisher.publish([Envelope.wrap(pair_created(f"pair-{n}"), SOURCE) for n in range(4)])
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    await admin.start()
    try:
        await admin.delete_records({TopicPartition(topic, 0): RecordsToDelete(before_offset=2)})
    finally:
        await admin.close()
    # Stored before the retention removed offsets 0 and 1.
    await activity_pool.execute(
        "INSERT INTO projection_offsets VALUES ('pair_activity', $1, 0, 1)", topic
    )
    try:
        async with running(activity_pool, kafka_bootstrap, prefix, PairActivity()):
            await wait_for(lambda: _equals(count(activity_pool, "pair_activity"), 2), 30)
    finally:
        await publisher.stop()
    assert await activity_pool.fetchval("SELECT next_offset FROM projection_offsets") == 4
