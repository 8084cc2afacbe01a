"""Analytics catch-up, CPU per event: the runner's process and PostgreSQL's, and decodes.

Wall time on a shared machine follows the load; CPU per event and decodes much less.
``publish`` writes a generated history to fresh topics once (prefix kept in STATE);
``measure`` catches both projections up on a fresh database (run.py's catch-up) and prints
events/s, the load, this process's and the database backends' CPU per event, and decodes
per topic. To compare versions, run ``measure`` with ``PYTHONPATH`` at the other tree's
``src`` directories (before ADR 0030: copy tandem_analytics/collector.py to tandem_events/).

    .venv/bin/python bench/analytics/catchup_cpu.py publish --people 10000
    .venv/bin/python bench/analytics/catchup_cpu.py measure
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import sys
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import psycopg
from aiokafka import TopicPartition
from psycopg import sql

sys.path.insert(0, str(Path(__file__).parent))
import run as bench  # the catch-up and helpers of the main benchmark

from tandem_analytics.bootstrap import MIGRATIONS
from tandem_analytics.domain.pseudonyms import Pseudonyms
from tandem_analytics.history import HistoryShape, generate
from tandem_analytics.projections import projections_for
from tandem_events.envelope import Envelope
from tandem_events.reading import Batch
from tandem_events.runner import ProjectionRunner
from tandem_service.database import apply_migrations

STATE = Path(os.environ.get("CATCHUP_STATE", "/tmp/tandem-catchup-cpu.json"))
server_seconds: list[float] = []
last_read: list[float] = [0.0]  # wall clock of the last records handed to a batch


def backend_seconds(pids: list[int]) -> float:
    """User and system CPU of these PostgreSQL backends so far (from /proc)."""
    ticks = 0
    for pid in pids:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def count_decodes(decodes: Counter[str]) -> None:
    """Count the records the runners decode, per topic: once per fetch handed to a batch.

    Not once per record: a wrapper around each decode ran in the runner's process and was
    counted in its CPU per event, and in the catch-up's rate.
    """
    take = Batch.take

    async def counted(batch: Batch, records: dict[TopicPartition, list[Any]]) -> None:
        for tp, partition_records in records.items():
            decodes[tp.topic] += len(partition_records)
        last_read[0] = time.time()
        await take(batch, records)

    Batch.take = counted  # type: ignore[method-assign]
    stop = ProjectionRunner.stop

    async def stopping(runner: ProjectionRunner) -> None:
        if not server_seconds:  # the first runner to stop: all backends are still there
            query = "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            rows = await runner._pool.fetch(query)
            server_seconds.append(backend_seconds([r["pid"] for r in rows]))
        await stop(runner)

    ProjectionRunner.stop = stopping  # type: ignore[method-assign,assignment]


def measure() -> None:
    state = json.loads(STATE.read_text())
    name = f"bench_catchup_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(bench.ADMIN, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    dsn = bench.with_database(bench.ADMIN, name)
    decodes: Counter[str] = Counter()
    try:
        apply_migrations(dsn, MIGRATIONS)
        count_decodes(decodes)
        bench.tune_collector()
        # A fresh group each time, over the same topics (the group id is prefix + name).
        ours = projections_for(Pseudonyms(b"bench-pseudonym-key-0123456789"))
        for projection in ours:
            projection.name = f"{projection.name}_{name[-6:]}"
        before = resource.getrusage(resource.RUSAGE_SELF)
        seconds = asyncio.run(bench.catch_up(dsn, state["prefix"], state["ends"], ours))
        after = resource.getrusage(resource.RUSAGE_SELF)
    finally:
        bench.drop(name)
    total, client = state["total"], sum(after[:2]) - sum(before[:2])  # user + system
    print(
        f"{total:,} events in {seconds:.1f} s = {total / seconds:,.0f} ev/s, load "
        f"{os.getloadavg()[0]:.2f}; CPU per event: runner {client / total * 1e6:.1f} us, "
        f"database {server_seconds[0] / total * 1e6:.1f} us; decodes {dict(decodes)} "
        f"for {state['ends']}"
    )


def publish(people: int) -> None:
    events = generate(HistoryShape(people=people, programs=10, months=12, seed=1))
    envelopes = [Envelope.wrap(e, "/tandem/bench") for e in events]
    topics = ("matching.events", "engagement.events")
    ends = {t: sum(1 for e in envelopes if e.topic == t) for t in topics}
    prefix = f"bench.{uuid.uuid4().hex[:10]}."
    asyncio.run(bench.publish(prefix, envelopes))
    STATE.write_text(json.dumps({"prefix": prefix, "ends": ends, "total": len(envelopes)}))
    print(f"{len(envelopes):,} events published under {prefix}: {ends}")


if __name__ == "__main__":
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("step", choices=["publish", "measure"])
    args.add_argument("--people", type=int, default=10_000)
    opts = args.parse_args()
    publish(opts.people) if opts.step == "publish" else measure()
