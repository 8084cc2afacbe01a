"""Records that arrive while a batch is in its transaction are decoded before it commits.

Reading ahead used to take only what had already been fetched when the batch's transaction
began, which was nothing (the next fetch leaves once the previous one was handed out), so
decoding and the database took turns instead of overlapping.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable

import asyncpg

from tandem_events.envelope import Envelope
from tandem_events.kafka_producer import EventPublisher
from tandem_events.runner import ProjectionRunner
from tandem_testkit.owner import CATALOG_LOGS, provision_logs

from ..conftest import check_in
from .conftest import SOURCE, wait_for
from .test_runner_rebalance import HeldFirstBatch

FIRST, LATER = 50, 200


async def test_records_arriving_during_a_batch_are_decoded_before_it_commits(
    activity_pool: asyncpg.Pool,
    kafka_bootstrap: str,
    topic_name: Callable[[str], str],
    decoded: Counter[str],
) -> None:
    prefix = topic_name("ahead") + "."
    await provision_logs(kafka_bootstrap, prefix, CATALOG_LOGS, dead_letters=True)
    publisher = EventPublisher(kafka_bootstrap, topic_prefix=prefix)
    await publisher.start()
    projection = HeldFirstBatch()
    runner = ProjectionRunner(
        activity_pool, kafka_bootstrap, projection, group_id=prefix + "g", topic_prefix=prefix
    )
    try:
        await publisher.publish(
            [Envelope.wrap(check_in(f"pair-{n % 7}", n), SOURCE) for n in range(FIRST)]
        )
        await runner.start()
        await asyncio.wait_for(projection.entered.wait(), 30)
        await publisher.publish(
            [
                Envelope.wrap(check_in(f"pair-{n % 7}", n), SOURCE)
                for n in range(FIRST, FIRST + LATER)
            ]
        )

        async def later_ones_decoded() -> bool:
            return len(decoded) == FIRST + LATER

        # The first batch is still open: only reading ahead can have decoded the later ones.
        await wait_for(later_ones_decoded, limit=15)
        assert projection.applied == 0
        projection.release.set()

        async def caught_up() -> bool:
            stored = await activity_pool.fetchval(
                "SELECT coalesce(sum(next_offset), 0) FROM projection_offsets"
            )
            return bool(stored == FIRST + LATER)

        await wait_for(caught_up)
    finally:
        projection.release.set()
        await runner.stop()
        await publisher.stop()
    assert projection.applied == FIRST + LATER
    assert max(decoded.values()) == 1
