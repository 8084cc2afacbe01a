"""The notifications service on the real servers, with a real SMTP sink, a real directory stub
serving matching's contacts contract, a movable clock and tokens per role."""

from __future__ import annotations

import asyncio
import inspect
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, TypeVar

import asyncpg
import httpx
from fastapi import Depends, FastAPI, Query

from tandem_events.catalog.base import DomainEvent
from tandem_events.envelope import Envelope
from tandem_notifications.bootstrap import build_app
from tandem_notifications.settings import NotificationsSettings
from tandem_notifications.smtp_sink import SmtpSink
from tandem_service.auth import Caller, DevKeyPair, Role, TokenVerifier, mint_token, require_roles
from tandem_service.database import connect
from tandem_testkit.owner import provision_logs, publish_as_owner
from tandem_testkit.uvicorn_server import serving

T = TypeVar("T")
OWNER = "admin-1"
WEDNESDAY_10_UTC = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)


ServiceCaller = Annotated[Caller, Depends(require_roles(Role.SERVICE))]


class MovableClock:
    """The service's clock, moved by the test."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, by: timedelta) -> None:
        """Move forward."""
        self.now += by

    def next_wednesday_morning(self) -> datetime:
        """Jump to the next Wednesday 10:00 UTC (working hours in Lisbon), so tests start alike."""
        days = (2 - self.now.weekday()) % 7 or 7
        self.now = (self.now + timedelta(days=days)).replace(hour=10, minute=0, second=0)
        return self.now


def directory_app(people: dict[str, dict[str, str]], keys: DevKeyPair) -> FastAPI:
    """Serves ``GET /directory/contacts`` as ADR 0013 specifies it for matching (role service)."""
    app = FastAPI()
    app.state.token_verifier = TokenVerifier(
        issuer="tandem-dev", audience="tandem", public_pem=keys.public_pem
    )
    app.state.calls = 0

    @app.get("/directory/contacts")
    async def contacts(
        _: ServiceCaller, person_id: Annotated[list[str], Query(max_length=100)]
    ) -> dict[str, Any]:
        app.state.calls += 1
        found = [people[p] | {"person_id": p} for p in person_id if p in people]
        return {"contacts": found, "unknown": [p for p in person_id if p not in people]}

    return app


@dataclass
class Running:
    """A running notifications service and its surroundings."""

    url: str
    keys: DevKeyPair
    prefix: str
    dsn: str
    sink: SmtpSink
    clock: MovableClock
    people: dict[str, dict[str, str]]
    kafka_bootstrap: str
    clients: list[httpx.Client] = field(default_factory=list)

    def as_(self, subject: str, *roles: Role) -> httpx.Client:
        """A client whose token names ``subject`` with ``roles``."""
        token = mint_token(self.keys.private_pem, subject, list(roles))
        client = httpx.Client(
            base_url=self.url, headers={"Authorization": f"Bearer {token}"}, timeout=30
        )
        self.clients.append(client)
        return client

    def participant(self, person_id: str) -> httpx.Client:
        """A participant."""
        return self.as_(person_id, Role.PARTICIPANT)

    def owner(self) -> httpx.Client:
        """The admin who launches the test programs."""
        return self.as_(OWNER, Role.PROGRAM_ADMIN)

    async def publish(self, *events: DomainEvent | Envelope) -> list[Envelope]:
        """Put events on their topics as matching or engagement would."""
        envelopes = [
            e if isinstance(e, Envelope) else Envelope.wrap(e, f"/tandem/{e.context}")
            for e in events
        ]
        await publish_as_owner(self.kafka_bootstrap, self.prefix, envelopes)
        return envelopes

    async def fetch(self, query: str, *args: Any) -> list[asyncpg.Record]:
        """Read the service's database."""
        conn = await connect(self.dsn)
        try:
            return list(await conn.fetch(query, *args))
        finally:
            await conn.close()

    def person(self, person_id: str, timezone: str = "Europe/Lisbon") -> str:
        """Add someone to the directory stub; returns their id."""
        self.people[person_id] = {
            "name": f"{person_id.split('-')[0].title()} Example",
            "email": f"{person_id}@example.com",
            "timezone": timezone,
        }
        return person_id


@contextmanager
def running_service(
    kafka_bootstrap: str, dsn: str, keys_dir: Path, **overrides: Any
) -> Iterator[Running]:
    """Start the directory stub, the SMTP sink and the service (real uvicorn for both apps)."""
    keys = DevKeyPair.load_or_create(keys_dir)
    people: dict[str, dict[str, str]] = {}
    sink = SmtpSink().start()
    clock = MovableClock(WEDNESDAY_10_UTC)
    prefix = f"test.{uuid.uuid4().hex[:10]}."
    # The topics other services own exist before this consumer subscribes, as in a real stack.
    asyncio.run(provision_logs(kafka_bootstrap, prefix, ["matching.events", "engagement.events"]))
    try:
        with serving(directory_app(people, keys)) as directory_url:
            fields: dict[str, Any] = {
                "env": "test",
                "database_url": dsn,
                "kafka_bootstrap": kafka_bootstrap,
                "topic_prefix": prefix,
                "dev_keys_dir": keys_dir,
                "smtp_port": sink.port,
                "matching_url": directory_url,
                "webhook_allow_http": True,
                "lease_seconds": 5,
                "retry_base_seconds": 1,
                "smtp_connections": 2,
            }
            fields.update(overrides)
            settings = NotificationsSettings(**fields)
            with serving(build_app(settings, clock)) as url:
                running = Running(url, keys, prefix, dsn, sink, clock, people, kafka_bootstrap)
                yield running
                for client in running.clients:
                    client.close()
    finally:
        sink.stop()


def eventually(probe: Callable[[], T | None], timeout: float = 60.0) -> T:
    """Poll ``probe`` until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting after {timeout}s")
        time.sleep(0.2)


async def until(probe: Callable[[], Any], timeout: float = 60.0) -> Any:
    """Await ``probe`` (sync or async) until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting after {timeout}s")
        await asyncio.sleep(0.2)
