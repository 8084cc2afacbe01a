"""The service SIGKILLed after a check-in's append committed and before the relay published it:
after restarts the event is on engagement.events exactly once (and so is every other event).

The first process runs with its relay off, so the kill lands in that window every time.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer

from tandem_engagement.bootstrap import MIGRATIONS
from tandem_engagement.handlers.matching_feed import MatchingFeed
from tandem_service.auth import DevKeyPair, Role, mint_token
from tandem_service.database import create_pool
from tandem_testkit.databases import DatabaseFactory
from tandem_testkit.eventually import eventually
from tandem_testkit.uvicorn_server import free_port

from .conftest import SOURCE, enrolled, launched, pair_created
from .test_matching_feed import deliver


async def open_pair(dsn: str) -> None:
    pool = await create_pool(dsn)
    try:
        opening = [launched(), enrolled("ana"), enrolled("ben"), pair_created("p1")]
        await deliver(pool, MatchingFeed(SOURCE), opening)
    finally:
        await pool.close()


def answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health").status_code == 200
    except httpx.TransportError:
        return False


@contextmanager
def engagement(
    dsn: str, bootstrap: str, prefix: str, keys: Path, *, relay: bool
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """``tandem-engagement serve`` as its own process; yields it and its URL once it answers."""
    port = free_port()
    env = {
        **os.environ,
        "TANDEM_ENV": "test",
        "TANDEM_DATABASE_URL": dsn,
        "TANDEM_HTTP_PORT": str(port),
        "TANDEM_KAFKA_BOOTSTRAP": bootstrap,
        "TANDEM_TOPIC_PREFIX": prefix,
        "TANDEM_DEV_KEYS_DIR": str(keys),
        "TANDEM_RELAY_ENABLED": str(relay).lower(),
        "TANDEM_CONSUMERS_ENABLED": "false",
        "TANDEM_SWEEPS_ENABLED": "false",
    }
    command = [sys.executable, "-m", "tandem_engagement", "serve"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        eventually(lambda: answers(url), timeout=90)
        yield process, url
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)


async def published(bootstrap: str, topic: str, stored: int) -> Counter[str]:
    """How many times each event id is on ``topic``, read once ``stored`` records arrived
    and for a few quiet seconds after (a duplicate would show up there)."""
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", group_id=None
    )
    await consumer.start()
    seen: Counter[str] = Counter()
    try:
        async with asyncio.timeout(90):
            while sum(seen.values()) < stored:
                for batch in (await consumer.getmany(timeout_ms=500)).values():
                    seen.update(dict(r.headers)["ce_id"].decode() for r in batch)
        for batch in (await consumer.getmany(timeout_ms=5_000)).values():
            seen.update(dict(r.headers)["ce_id"].decode() for r in batch)
    finally:
        await consumer.stop()
    return seen


async def stored_ids(dsn: str) -> list[str]:
    conn = await asyncpg.connect(dsn)
    try:
        return [str(r[0]) for r in await conn.fetch("SELECT event_id FROM events")]
    finally:
        await conn.close()


def test_a_check_in_killed_before_its_publication_is_published_once(
    database_factory: DatabaseFactory, kafka_bootstrap: str, tmp_path: Path
) -> None:
    dsn = database_factory.create(MIGRATIONS, prefix="engagement_kill")
    prefix = f"test.{uuid.uuid4().hex[:10]}."
    try:
        asyncio.run(open_pair(dsn))
        keys = DevKeyPair.load_or_create(tmp_path)
        token = mint_token(keys.private_pem, "ana", [Role.PARTICIPANT])
        body = {"met_on": datetime.now(UTC).date().isoformat(), "duration_minutes": 30, "felt": 4}
        with engagement(dsn, kafka_bootstrap, prefix, tmp_path, relay=False) as (process, url):
            answer = httpx.post(
                f"{url}/pairs/p1/check-ins",
                json=body,
                headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "k1"},
            )
            assert answer.status_code == 201, answer.text
            os.kill(process.pid, signal.SIGKILL)  # committed, never published
            process.wait(timeout=30)
        ids = asyncio.run(stored_ids(dsn))
        for _ in range(2):  # restarted twice: the second start must not publish again
            with engagement(dsn, kafka_bootstrap, prefix, tmp_path, relay=True):
                seen = asyncio.run(
                    published(kafka_bootstrap, f"{prefix}engagement.events", len(ids))
                )
        assert seen == Counter(dict.fromkeys(ids, 1))
    finally:
        database_factory.drop(dsn)
