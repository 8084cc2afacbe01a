"""A batch projection gets a batch's events in one call; a failing batch is isolated per event."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import asyncpg

from tandem_events.catalog.base import DomainEvent
from tandem_events.catalog.engagement import CheckInLogged
from tandem_events.envelope import Envelope
from tandem_events.kafka_producer import EventPublisher
from tandem_events.projection import BatchProjection, ProjectionContext
from tandem_events.runner import ProjectionRunner
from tandem_testkit.owner import CATALOG_LOGS, provision_logs

from ..conftest import check_in
from .conftest import SOURCE, wait_for

UPSERT = (
    "INSERT INTO batch_check_ins (pair_id, check_ins) SELECT p, count(*) FROM unnest($1::text[])"
    " AS p GROUP BY p ON CONFLICT (pair_id) DO UPDATE"
    " SET check_ins = batch_check_ins.check_ins + EXCLUDED.check_ins"
)


class CheckInsInBatches:
    """Counts check-ins per pair with one statement per batch; a pair named 'boom' breaks it."""

    name = "batch-check-ins"
    topics: Sequence[str] = ("engagement.events",)
    tables: Sequence[str] = ("batch_check_ins",)

    def __init__(self) -> None:
        self.batch_sizes: list[int] = []

    async def apply(self, ctx: ProjectionContext, event: DomainEvent, envelope: Envelope) -> None:
        await self.apply_batch(ctx, [(event, envelope)])

    async def apply_batch(
        self, ctx: ProjectionContext, items: Sequence[tuple[DomainEvent, Envelope]]
    ) -> None:
        self.batch_sizes.append(len(items))
        pairs = [e.pair_id for e, _ in items if isinstance(e, CheckInLogged)]
        if "boom" in pairs:
            raise ValueError("a pair this projection cannot take")
        await ctx.conn.execute(UPSERT, pairs)


async def test_a_batch_projection_applies_batches_and_dead_letters_only_the_culprit(
    activity_pool: asyncpg.Pool, kafka_bootstrap: str, topic_name: Callable[[str], str]
) -> None:
    await activity_pool.execute(
        "CREATE TABLE batch_check_ins (pair_id text PRIMARY KEY, check_ins int NOT NULL)"
    )
    projection = CheckInsInBatches()
    assert isinstance(projection, BatchProjection)
    prefix = topic_name("batch") + "."
    await provision_logs(kafka_bootstrap, prefix, CATALOG_LOGS, dead_letters=True)
    publisher = EventPublisher(kafka_bootstrap, topic_prefix=prefix)
    await publisher.start()
    events = [check_in(f"pair-{n % 3}", n) for n in range(300)] + [check_in("boom", 0)]
    await publisher.publish([Envelope.wrap(e, SOURCE) for e in events])
    runner = ProjectionRunner(
        activity_pool, kafka_bootstrap, projection, group_id=prefix + "g", topic_prefix=prefix
    )
    await runner.start()
    try:

        async def applied() -> bool:
            return bool(
                await activity_pool.fetchval("SELECT sum(check_ins) = 300 FROM batch_check_ins")
            )

        await wait_for(applied)
        dead = await activity_pool.fetch("SELECT event_id, reason FROM projection_dead_letters")
    finally:
        await runner.stop()
        await publisher.stop()
    assert max(projection.batch_sizes) > 1, "whole batches reach the projection at once"
    assert len(dead) == 1
    assert "a pair this projection cannot take" in dead[0]["reason"]
    rows = await activity_pool.fetch("SELECT pair_id, check_ins FROM batch_check_ins")
    assert sorted(tuple(r) for r in rows) == [("pair-0", 100), ("pair-1", 100), ("pair-2", 100)]
