"""The kit's service hooks on the real servers: a declared clock, background components, and
``/dev/clock`` moving commands and components together."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import asyncpg
import psycopg
import pytest
from fastapi import APIRouter, Depends, Request

from tandem_events.catalog.matching import MatchRoundCompletedV1
from tandem_events.envelope import MAX_EVENT_BYTES, Envelope
from tandem_service.api import command_context
from tandem_service.background import Started
from tandem_service.bootstrap import ServiceDefinition
from tandem_service.clock import ServiceClock
from tandem_service.commands import CommandContext
from tandem_service.runtime import Component
from tandem_service.settings import ServiceSettings
from tandem_service.shared_clock import SharedClock
from tandem_testkit.databases import DatabaseFactory
from tandem_testkit.eventually import eventually
from tandem_testkit.service import RunningService, running_service

FROZEN = datetime(2026, 3, 4, 10, tzinfo=UTC)


class Reminders:
    """A background component, as a sweep or a dispatch loop is to a real service."""

    def __init__(self, clock: ServiceClock) -> None:
        self.clock = clock
        self.seen: list[str] = []

    async def start(self) -> None:
        self.seen.append("started")

    async def stop(self) -> None:
        self.seen.append("stopped")


def reminders(made: list[Reminders]) -> Callable[[Started[ServiceSettings]], list[Component]]:
    def hook(started: Started[ServiceSettings]) -> list[Component]:
        started.state.reminders = Reminders(started.clock)
        made.append(started.state.reminders)
        return [started.state.reminders]

    return hook


router = APIRouter()


@router.get("/probe/now")
async def now(
    request: Request, commands: Annotated[CommandContext[Any], Depends(command_context)]
) -> dict[str, Any]:
    component: Reminders = request.app.state.reminders
    return {
        "commands": commands.now().isoformat(),
        "component": component.clock().isoformat(),
        "seen": component.seen,
    }


@router.get("/probe/slow-read")
async def slow_read(request: Request) -> dict[str, Any]:
    """A read that holds its connection long enough for the database to go away under it."""
    pool: asyncpg.Pool = request.app.state.runtime.pool
    return {"slept": await pool.fetchval("SELECT pg_sleep(1.5) IS NOT NULL")}


@router.post("/probe/huge-round")
async def huge_round() -> None:
    """A command whose event could not fit one record on the log."""
    ids = tuple(f"{n:032x}" for n in range(MAX_EVENT_BYTES // 35 + 1))
    Envelope.wrap(
        MatchRoundCompletedV1(
            occurred_at=FROZEN,
            actor_id="admin",
            program_id="prog-1",
            round_id="round-1",
            pair_ids=ids,
            total_score=1.0,
            exact=True,
        ),
        "/tandem/probe",
    )


def definition(
    migrations: Path, made: list[Reminders] | None = None
) -> ServiceDefinition[ServiceSettings]:
    return ServiceDefinition(
        "probe",
        ServiceSettings,
        "A service that only shows its clock.",
        routers=[router],
        migrations=migrations,
        clock=lambda _: lambda: FROZEN,
        background=[reminders([] if made is None else made)],
    )


@pytest.fixture(scope="module")
def service_definition(tmp_path_factory: pytest.TempPathFactory) -> ServiceDefinition[Any]:
    return definition(tmp_path_factory.mktemp("no-migrations"))


@pytest.fixture(scope="module")
def service_settings() -> dict[str, Any]:
    return {"dev_clock": True, "idempotency_prune_seconds": 0.3}


@pytest.fixture(autouse=True)
def real_time_again(service: RunningService) -> Iterator[None]:
    """Each test starts and ends with the clock at its base."""
    service.admin().post("/dev/clock", json={"offset_days": 0}).raise_for_status()
    yield
    service.admin().post("/dev/clock", json={"offset_days": 0}).raise_for_status()


def test_the_declared_clock_reaches_commands_and_background_components(
    service: RunningService,
) -> None:
    seen = service.admin().get("/probe/now").json()
    assert seen == {
        "commands": FROZEN.isoformat(),
        "component": FROZEN.isoformat(),
        "seen": ["started"],
    }


def test_dev_clock_moves_commands_and_components_at_once(service: RunningService) -> None:
    admin = service.admin()
    moved = admin.post("/dev/clock", json={"advance_days": 7})
    assert moved.status_code == 200
    week_later = (FROZEN + timedelta(days=7)).isoformat()
    assert moved.json() == {"now": week_later.replace("+00:00", "Z"), "offset_days": 7.0}
    admin.post("/dev/clock", json={"advance_days": 0.5}).raise_for_status()
    later = (FROZEN + timedelta(days=7.5)).isoformat()
    seen = admin.get("/probe/now").json()
    assert (seen["commands"], seen["component"]) == (later, later)
    assert admin.post("/dev/clock", json={"offset_days": -1}).json()["offset_days"] == -1.0
    assert admin.get("/dev/clock").json()["now"].startswith("2026-03-03T10:00")


async def test_the_services_other_processes_follow_a_move_made_through_dev_clock(
    service: RunningService,
) -> None:
    """A worker (notifications' dispatcher) keeps the served process's moved time."""
    pool = await asyncpg.create_pool(service.dsn, min_size=1, max_size=2)
    worker = SharedClock(pool, ServiceClock(lambda: FROZEN), leads=False, every=0.05)
    await worker.start()
    try:
        service.admin().post("/dev/clock", json={"advance_days": 3}).raise_for_status()
        three_days = FROZEN + timedelta(days=3)
        for _ in range(200):
            if worker.clock() == three_days:
                break
            await asyncio.sleep(0.05)
        assert worker.clock() == three_days
        late = SharedClock(pool, ServiceClock(lambda: FROZEN), leads=False)
        await late.start()  # a worker started after the move takes it at once
        await late.stop()
        assert late.clock() == three_days
    finally:
        await worker.stop()
        await pool.close()


def test_dev_clock_is_for_admins_only(service: RunningService) -> None:
    assert service.anonymous().post("/dev/clock", json={"advance_days": 7}).status_code == 401
    refused = service.participant("ana").post("/dev/clock", json={"advance_days": 7})
    assert refused.status_code == 403
    assert service.admin().get("/probe/now").json()["commands"] == FROZEN.isoformat()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"advance_days": -1}, "advance_days"),
        ({"advance_days": 0}, "advance_days"),
        ({"offset_days": 4000}, "offset_days"),
        ({"advance_days": "soon"}, "advance_days"),
        ({"advance_days": 7, "offset_days": 7}, None),
        ({}, None),
        ({"advance_days": 7, "weeks": 1}, "weeks"),
    ],
)
def test_a_bad_move_is_a_422_naming_the_field(
    service: RunningService, body: dict[str, Any], field: str | None
) -> None:
    refused = service.admin().post("/dev/clock", json=body)
    assert refused.status_code == 422
    if field is not None:
        assert [p["loc"][-1] for p in refused.json()["detail"]] == [field]
    assert service.admin().get("/probe/now").json()["commands"] == FROZEN.isoformat()


def test_moving_past_ten_years_in_steps_is_a_422_and_leaves_the_clock(
    service: RunningService,
) -> None:
    admin = service.admin()
    admin.post("/dev/clock", json={"offset_days": 3600}).raise_for_status()
    refused = admin.post("/dev/clock", json={"advance_days": 100})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "advance_days"]
    assert admin.get("/dev/clock").json()["offset_days"] == 3600.0


def test_background_components_stop_with_the_service(
    kafka_bootstrap: str,
    database_factory: DatabaseFactory,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    made: list[Reminders] = []
    declared = definition(tmp_path_factory.mktemp("no-migrations"), made)
    keys = tmp_path_factory.mktemp("keys")
    with running_service(declared, kafka_bootstrap, database_factory, keys) as svc:
        assert svc.admin().get("/probe/now").json()["seen"] == ["started"]
        # A test service has no movable clock unless its settings ask for one.
        assert svc.admin().post("/dev/clock", json={"advance_days": 1}).status_code == 404
    assert [component.seen for component in made] == [["started", "stopped"]]


def test_old_idempotency_records_are_pruned_on_schedule(service: RunningService) -> None:
    with psycopg.connect(service.dsn, autocommit=True) as conn:
        for key, age in (("k-old", "31 days"), ("k-recent", "29 days")):
            conn.execute(
                "INSERT INTO command_results (caller, operation, idempotency_key, request_hash,"
                " recorded_at) VALUES ('admin-1', 'POST /probe', %s, 'h', now() - %s::interval)",
                (key, age),
            )

    def kept() -> list[str]:
        with psycopg.connect(service.dsn) as conn:
            rows = conn.execute("SELECT idempotency_key FROM command_results").fetchall()
        return [key for (key,) in rows]

    assert eventually(lambda: kept() == ["k-recent"], timeout=20)


def test_a_database_gone_under_a_request_is_a_503_with_retry_after_then_served_again(
    service: RunningService,
) -> None:
    """Not a 500: the client is told nothing was stored and when to try again."""
    admin = service.admin()
    with ThreadPoolExecutor(1) as pool:
        pending = pool.submit(admin.get, "/probe/slow-read")
        with psycopg.connect(service.dsn, autocommit=True) as conn:
            for _ in range(100):
                killed = conn.execute(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND query LIKE 'SELECT pg_sleep%'"
                ).fetchone()
                if killed and killed[0]:
                    break
                time.sleep(0.02)
        answer = pending.result()
    assert answer.status_code == 503, answer.text
    assert answer.headers["retry-after"] == "2"
    assert "nothing was stored" in answer.json()["detail"]
    assert admin.get("/probe/slow-read").json() == {"slept": True}


def test_an_event_too_large_for_the_log_is_a_413_naming_it(service: RunningService) -> None:
    answer = service.admin().post("/probe/huge-round")
    assert answer.status_code == 413, answer.text
    body = answer.json()
    assert body["event_type"] == MatchRoundCompletedV1.type_name()
    assert body["bytes"] > body["limit"] == MAX_EVENT_BYTES
    assert "nothing was stored" in body["detail"]
