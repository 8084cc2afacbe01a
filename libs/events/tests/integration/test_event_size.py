"""An event too big for one record on the log is refused before it is stored.

Stored, it could never be published: the relay would retry it for ever and every later event
of the service would wait behind it (a 100,000-person round's completion did exactly that).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import asyncpg
import pytest

from tandem_events.catalog.matching import MatchRoundCompletedV1
from tandem_events.envelope import MAX_EVENT_BYTES
from tandem_events.errors import EventTooLarge
from tandem_events.store import EventStore

from .conftest import pair_created, publish_stored
from .test_relay import consume_ids


def round_of(pairs: int) -> MatchRoundCompletedV1:
    # v1 listed the pair ids: the event that did wedge the log (v2 counts them, decision 0040).
    return MatchRoundCompletedV1(
        occurred_at=datetime(2026, 11, 24, tzinfo=UTC),
        actor_id="admin",
        program_id="prog-1",
        round_id="round-1",
        pair_ids=tuple(f"{n:032x}" for n in range(pairs)),
        total_score=1.0,
        exact=True,
    )


async def test_a_too_large_event_is_refused_and_the_log_keeps_flowing(
    pool: asyncpg.Pool, events_dsn: str, kafka_bootstrap: str, topic_name: Callable[[str], str]
) -> None:
    store = EventStore(pool, "/tandem/test")
    too_many = MAX_EVENT_BYTES // 35 + 1  # each id is 32 characters, 2 quotes and a comma
    with pytest.raises(EventTooLarge) as refused:
        await store.append("round-1", 0, [round_of(too_many), pair_created("pair-0")])
    assert refused.value.type_name == MatchRoundCompletedV1.type_name()
    assert refused.value.size > refused.value.limit == MAX_EVENT_BYTES
    assert await pool.fetchval("SELECT count(*) FROM events") == 0, "nothing of it was stored"
    with pytest.raises(EventTooLarge):
        await store.append_streams([("round-1", 0, [round_of(too_many)])])
    assert await pool.fetchval("SELECT count(*) FROM events") == 0

    # The largest event allowed is published, and so is what comes after it.
    await store.append("round-2", 0, [round_of(MAX_EVENT_BYTES // 35 - 20)])
    await store.append("pair-1", 0, [pair_created("pair-1")])
    prefix = topic_name("event-size") + "."
    await publish_stored(pool, events_dsn, kafka_bootstrap, prefix)
    assert len(set(await consume_ids(kafka_bootstrap, prefix + "matching.events", 2))) == 2
