"""The analytics service on the real servers: a generated history, published and projected."""

from __future__ import annotations

import asyncio
import os
import random
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from tandem_analytics.bootstrap import MIGRATIONS, build_app
from tandem_analytics.history import HistoryShape, generate
from tandem_analytics.projections.views import ACCESS_SQL, refresh_views_at
from tandem_analytics.settings import AnalyticsSettings
from tandem_events.catalog.base import DomainEvent
from tandem_events.envelope import Envelope
from tandem_events.kafka_producer import WireRecord
from tandem_service.auth import DevKeyPair, Role, mint_token
from tandem_testkit.databases import DatabaseFactory, with_database
from tandem_testkit.owner import CATALOG_LOGS, provision_logs, publish_as_owner
from tandem_testkit.uvicorn_server import serving

SOURCE = "/tandem/test"
KEY = "test-pseudonym-key-0123456789"
ANALYST = "tandem_analyst"


@dataclass
class Analytics:
    """A running analytics service with its own database and topics."""

    url: str
    dsn: str
    prefix: str
    keys: DevKeyPair
    clients: list[httpx.Client] = field(default_factory=list)

    def as_(self, subject: str, *roles: Role) -> httpx.Client:
        """A client whose bearer token names ``subject`` with ``roles``."""
        token = mint_token(self.keys.private_pem, subject, list(roles))
        client = httpx.Client(
            base_url=self.url, headers={"Authorization": f"Bearer {token}"}, timeout=60
        )
        self.clients.append(client)
        return client

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        """Rows of ``sql`` as the service's own role."""
        with psycopg.connect(self.dsn) as conn:
            return conn.execute(sql).fetchall()  # type: ignore[arg-type]  # test SQL


def envelopes(events: Sequence[DomainEvent]) -> list[Envelope]:
    """Each event in its own envelope, in order."""
    return [Envelope.wrap(e, SOURCE) for e in events]


def publish(
    bootstrap: str, prefix: str, items: Sequence[Envelope], extra: Sequence[WireRecord] = ()
) -> None:
    """Publish the envelopes in the given order (and raw records), then return."""

    asyncio.run(publish_as_owner(bootstrap, prefix, items, extra))


def analyst_dsn(admin_dsn: str, database: str) -> str:
    """The analyst role's DSN on ``database`` (password as on the local stack)."""
    explicit = os.environ.get("TANDEM_TEST_ANALYST_DATABASE_URL")
    base = explicit or admin_dsn
    scheme, rest = base.split("://", 1)
    if not explicit:
        rest = f"{ANALYST}:{ANALYST}@" + rest.rsplit("@", 1)[-1]
    return with_database(f"{scheme}://{rest}", database)


def grant_analyst_on_clone(dsn: str) -> None:
    """Database-level grants and settings do not survive CREATE DATABASE ... TEMPLATE."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(ACCESS_SQL.read_text())  # type: ignore[arg-type]  # our own file


def wait_caught_up(dsn: str, records: int, limit: float = 180) -> None:
    """Until the stored offsets are past every published record (applied or dead-lettered).

    Offsets, not claimed ids: the fact projections claim no ids (ADR 0043). Fresh topics
    without transactions: a partition's next offset is the count of its records read.
    """
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        with psycopg.connect(dsn) as conn:
            done = conn.execute("SELECT sum(next_offset) FROM projection_offsets").fetchone()
        if done and (done[0] or 0) >= records:
            return
        time.sleep(0.3)
    raise AssertionError(f"projections did not catch up: {done} of {records}")


@pytest.fixture(scope="session")
def history() -> list[DomainEvent]:
    """A small organisation over eight months, with one tiny department."""
    return generate(HistoryShape())


@pytest.fixture(scope="session")
def start_analytics(
    kafka_bootstrap: str,
    database_factory: DatabaseFactory,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[..., Analytics]]:
    """Starts analytics services fed with given records; stops and drops them at the end."""
    stack: list[Any] = []

    def start(
        items: Sequence[Envelope], extra: Sequence[WireRecord] = (), live: bool = False
    ) -> Analytics:
        dsn = database_factory.create(MIGRATIONS, prefix="analytics")
        keys_dir: Path = tmp_path_factory.mktemp("keys")
        prefix = f"test.{uuid.uuid4().hex[:10]}."
        # The services that own the inputs are deployed: their logs exist before analytics.
        asyncio.run(provision_logs(kafka_bootstrap, prefix, CATALOG_LOGS))
        publish(kafka_bootstrap, prefix, items, extra)
        settings = AnalyticsSettings(
            env="test",
            database_url=dsn,
            kafka_bootstrap=kafka_bootstrap,
            topic_prefix=prefix,
            dev_keys_dir=keys_dir,
            pseudonym_key=KEY,
            live_tiles=live,
        )
        server = serving(build_app(settings))
        url = server.__enter__()
        stack.append((server, dsn))
        wait_caught_up(dsn, len(items) + len(extra))
        asyncio.run(refresh_views_at(dsn))  # what the service's timer does, now
        return Analytics(url, dsn, prefix, DevKeyPair.load_or_create(keys_dir))

    yield start
    for server, dsn in reversed(stack):
        server.__exit__(None, None, None)
        database_factory.drop(dsn)


@pytest.fixture(scope="session")
def in_order(
    history_envelopes: list[Envelope], start_analytics: Callable[..., Analytics]
) -> Analytics:
    """The history projected in the order it happened."""
    return start_analytics(history_envelopes)


@pytest.fixture(scope="session")
def history_envelopes(history: list[DomainEvent]) -> list[Envelope]:
    """The history's envelopes (the same ids for every run that uses them)."""
    return envelopes(history)


def shuffled(items: list[Envelope], seed: int = 11) -> list[Envelope]:
    """Every envelope in a random order, a tenth of them twice (a redelivery)."""
    rng = random.Random(seed)
    mixed = items + rng.sample(items, len(items) // 10)
    rng.shuffle(mixed)
    return mixed
