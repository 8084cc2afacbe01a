"""Fixtures for the engagement service on the real servers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from tandem_engagement.bootstrap import MIGRATIONS, SERVICE
from tandem_events.catalog.base import DomainEvent
from tandem_events.catalog.matching import (
    MatchingPolicy,
    PairCreated,
    PairEnded,
    ParticipantEnrolled,
    ParticipantProfile,
    ParticipantWithdrew,
    ProgramLaunched,
)
from tandem_events.store import EventStore
from tandem_service.bootstrap import ServiceDefinition
from tandem_service.database import create_pool
from tandem_testkit.databases import DatabaseFactory
from tandem_testkit.eventually import eventually
from tandem_testkit.service import RunningService

from .matching_events import publish

CREATED = datetime(2026, 1, 5, 10, tzinfo=UTC)
SOURCE = "/tandem/engagement"


@pytest.fixture(scope="module")
def service_definition() -> ServiceDefinition:
    """The service the kit's ``service`` fixture runs."""
    return SERVICE


@pytest.fixture
def engagement_dsn(database_factory: DatabaseFactory) -> Iterator[str]:
    dsn = database_factory.create(MIGRATIONS, prefix="engagement")
    yield dsn
    database_factory.drop(dsn)


@pytest.fixture
async def pool(engagement_dsn: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(engagement_dsn, max_size=10)
    yield pool
    await pool.close()


@pytest.fixture
def store(pool: asyncpg.Pool) -> EventStore:
    return EventStore(pool, SOURCE)


def launched(program_id: str = "prog", owner: str = "admin-1") -> ProgramLaunched:
    return ProgramLaunched(
        occurred_at=CREATED,
        actor_id=owner,
        program_id=program_id,
        name="Grow",
        purpose="onboarding",
        starts_on=CREATED.date(),
        suggested_cadence_days=14,
        policy=MatchingPolicy(),
    )


def enrolled(
    person_id: str, timezone: str = "Europe/Paris", program_id: str = "prog"
) -> ParticipantEnrolled:
    return ParticipantEnrolled(
        occurred_at=CREATED,
        actor_id=person_id,
        program_id=program_id,
        person_id=person_id,
        level=3,
        profile=ParticipantProfile(timezone=timezone),
    )


def pair_created(
    pair_id: str, members: tuple[str, ...] = ("ana", "ben"), program_id: str = "prog"
) -> PairCreated:
    return PairCreated(
        occurred_at=CREATED,
        actor_id="admin-1",
        pair_id=pair_id,
        program_id=program_id,
        member_ids=members,
        score=70.0,
    )


def pair_ended(pair_id: str, members: tuple[str, ...] = ("ana", "ben")) -> PairEnded:
    return PairEnded(
        occurred_at=CREATED.replace(day=20),
        actor_id="admin-1",
        pair_id=pair_id,
        program_id="prog",
        member_ids=members,
        reason="completed",
    )


def withdrew(person_id: str) -> ParticipantWithdrew:
    return ParticipantWithdrew(
        occurred_at=CREATED.replace(day=15),
        actor_id=person_id,
        program_id="prog",
        person_id=person_id,
    )


def pair_events() -> list[DomainEvent]:
    now = datetime.now(UTC) - timedelta(days=3)
    people = [enrolled(p) for p in ("ana", "ben", "cy", "di", "eve", "fay")]
    pairs = [
        pair_created("p1", ("ana", "ben")),
        pair_created("p2", ("cy", "di")),
        pair_created("p3", ("eve", "fay")),
    ]
    return [
        e.model_copy(update={"occurred_at": now})
        for e in [launched(), *people, *pairs, pair_ended("p3", ("eve", "fay"))]
    ]


@pytest.fixture(scope="module")
def stack(service: RunningService, kafka_bootstrap: str) -> RunningService:
    """The service with three pairs from matching (p3 already ended)."""
    publish(service, kafka_bootstrap, pair_events())
    ana = service.participant("ana")
    eventually(lambda: ana.get("/pairs/p1/workspace").status_code == 200)
    eventually(
        lambda: service.participant("eve").get("/pairs/p3/workspace").json().get("closed_at")
    )
    return service
