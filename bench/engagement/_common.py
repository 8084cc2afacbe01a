"""Shared plumbing of the engagement benchmarks: scratch databases and the results file."""

from __future__ import annotations

import json
import os
import platform
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import asyncpg

from tandem_engagement.adapters.workspace_rows import keep_workspaces
from tandem_engagement.bootstrap import MIGRATIONS
from tandem_engagement.domain.folding import fold_all
from tandem_engagement.domain.health import next_review
from tandem_engagement.domain.workspace import Workspace, workspace_stream
from tandem_events.catalog.base import DomainEvent
from tandem_events.envelope import Envelope
from tandem_testkit.databases import DatabaseFactory

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results" / "engagement.json"


def admin_dsn() -> str:
    """A PostgreSQL role that may create databases."""
    return os.environ.get(
        "TANDEM_DATABASE_URL_ADMIN", "postgresql://tandem:tandem@127.0.0.1:5432/postgres"
    )


@contextmanager
def scratch_database() -> Iterator[str]:
    """A migrated engagement database of its own, dropped afterwards."""
    factory = DatabaseFactory(admin_dsn())
    dsn = factory.create(MIGRATIONS, prefix=f"bench_engagement_{uuid.uuid4().hex[:6]}")
    try:
        yield dsn
    finally:
        factory.drop(dsn)


def load_average() -> float:
    """The one-minute load average (the machine is shared)."""
    return round(os.getloadavg()[0], 2)


def machine() -> str:
    """What ran the benchmark."""
    system = f"{platform.system()} {platform.release()}"
    return f"{os.cpu_count()} cores, {system}, Python {platform.python_version()}"


def record(figures: dict[str, Any], command: str, detail: dict[str, Any]) -> None:
    """Merge ``figures`` into bench/results/engagement.json with how they were made."""
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results.update(figures)
    results["machine"] = machine()
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    for name in figures:
        results.setdefault("runs", {})[name] = {
            "command": command,
            "date": stamp,
            "load_average": load_average(),
        }
    results.setdefault("detail", {}).update(detail)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")


SOURCE = "/tandem/engagement"
_INSERT = """
INSERT INTO events (event_id, stream_id, version, event_type, source, topic, record_key,
                    occurred_at, payload)
SELECT e.id, e.stream, e.version, e.type, $1, e.topic, e.key, e.at, e.payload
FROM unnest($2::uuid[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[],
            $8::timestamptz[], $9::jsonb[]) AS e(id, stream, version, type, topic, key, at, payload)
"""


async def insert_histories(
    pool: asyncpg.Pool, histories: dict[str, list[DomainEvent]], now: datetime
) -> None:
    """Write whole workspace streams at once, with the snapshots and next reviews the service
    keeps beside them as of ``now`` (seeding only: no checks, no relay progress)."""
    rows: list[tuple[Any, ...]] = []
    for pair_id, events in histories.items():
        for version, event in enumerate(events, 1):
            e = Envelope.wrap(event, SOURCE, {})
            rows.append(
                (e.id, workspace_stream(pair_id), version, e.type, e.topic, e.key, e.time, e.data)
            )
    streams = [(workspace_stream(p), len(events)) for p, events in histories.items()]
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(_INSERT, SOURCE, *(list(c) for c in zip(*rows, strict=True)))
        await conn.executemany("INSERT INTO streams (stream_id, version) VALUES ($1, $2)", streams)
        kept = []
        for events in histories.values():
            state = fold_all(Workspace(), events)
            kept.append((state, len(events), next_review(state, now)))
        await keep_workspaces(conn, kept)
