"""The roster ends the same whatever the order of partitions: a PairCreated (keyed by pair)
that comes before its members' enrolments (keyed by person) waits for them.

Found by the fault drill: a rebuild read the pair's partition first and lost last_paired_at.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from tandem_events.catalog.base import DomainEvent
from tandem_events.catalog.matching import PairCreated, ParticipantEnrolled, ParticipantProfile
from tandem_events.envelope import Envelope
from tandem_events.projection import ProjectionContext, WaitFor
from tandem_matching.bootstrap import SERVICE
from tandem_matching.projections.roster import Roster
from tandem_service.database import create_pool
from tandem_testkit.databases import DatabaseFactory

PAIRED = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def enrolled(person_id: str) -> ParticipantEnrolled:
    return ParticipantEnrolled(
        occurred_at=PAIRED,
        actor_id=person_id,
        program_id="prog",
        person_id=person_id,
        level=3,
        profile=ParticipantProfile(),
    )


PAIR = PairCreated(
    occurred_at=PAIRED,
    actor_id="admin",
    pair_id="p1",
    program_id="prog",
    member_ids=("ana", "ben"),
    score=70.0,
)


@pytest.fixture
def dsn(database_factory: DatabaseFactory) -> Iterator[str]:
    made = database_factory.create(SERVICE.all_migrations, "roster")
    yield made
    database_factory.drop(made)


async def test_a_pair_before_its_members_enrolments_waits_then_dates_both(dsn: str) -> None:
    pool = await create_pool(dsn, 2)
    roster = Roster()

    async def apply(event: DomainEvent) -> None:
        async with pool.acquire() as conn, conn.transaction():
            envelope = Envelope.wrap(event, "/tandem/matching", {})
            await roster.apply(ProjectionContext(conn), event, envelope)

    try:
        await apply(enrolled("ben"))
        with pytest.raises(WaitFor) as early:
            await apply(PAIR)
        assert early.value.key == "ana"  # woken by ana's enrolment, her record key
        await apply(enrolled("ana"))
        await apply(PAIR)
        rows = await pool.fetch("SELECT person_id, last_paired_at FROM roster_view ORDER BY 1")
    finally:
        await pool.close()
    assert [(r["person_id"], r["last_paired_at"]) for r in rows] == [
        ("ana", PAIRED),
        ("ben", PAIRED),
    ]
