"""Analytics catch-up scaled out: N runner processes in one consumer group each, against 1.

A deployment with two cores runs two analytics processes (replicas, or
``TANDEM_HTTP_WORKERS=2``): each runs both projections' ``ProjectionRunner`` in the same
consumer groups, and Kafka spreads the 3 partitions of each topic over them. This publishes
a generated history once, then for each ``--processes`` count catches both projections up
on a fresh database with that many worker processes (spawned; the clock starts once all
have imported and connected) and prints, per run: events/s, the load, CPU per event of the
workers and of the PostgreSQL backends, records decoded per event, the server's deadlock
count and the lock waits seen while polling. Then the fact tables of every run are compared
row by row with the first run's. With ``--compare TREE`` every count runs twice in a row,
this tree's code then TREE's (its ``src`` directories first on the workers' path):
before and after in the same minute.

    .venv/bin/python bench/analytics/scale_out.py --people 10000 --processes 1 2 1 2
    .venv/bin/python bench/analytics/scale_out.py --processes 2 2 --compare /tmp/main-tree
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import sys
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

sys.path.insert(0, str(Path(__file__).parent))
import run as bench  # the catch-up helpers of the main benchmark
from catchup_cpu import backend_seconds, count_decodes, last_read

from tandem_analytics.bootstrap import MIGRATIONS
from tandem_analytics.domain.pseudonyms import Pseudonyms
from tandem_analytics.history import HistoryShape, generate
from tandem_analytics.projections import projections_for
from tandem_events.envelope import Envelope
from tandem_events.runner import ProjectionRunner
from tandem_service.database import apply_migrations, create_pool

KEY = b"bench-pseudonym-key-0123456789"
PROJECTIONS = projections_for(Pseudonyms(KEY))
TABLES = [t for p in PROJECTIONS for t in p.tables]
WAITING = (
    "SELECT l.locktype || coalesce(':' || l.relation::regclass::text, '')"
    " FROM pg_locks l JOIN pg_stat_activity a USING (pid)"
    " WHERE NOT l.granted AND a.datname = current_database()"
)


def worker(dsn: str, prefix: str, group: str, go: Any, stop: Any, out: Any) -> None:
    """One analytics process: both projections' runners, from ``go`` until ``stop``."""
    asyncio.run(_work(dsn, prefix, group, go, stop, out))


async def _work(dsn: str, prefix: str, group: str, go: Any, stop: Any, out: Any) -> None:
    bench.tune_collector()
    decodes: Counter[str] = Counter()
    count_decodes(decodes)  # records read twice (a partition moving) cost twice
    pool = await create_pool(dsn, max_size=4)
    runners = [
        ProjectionRunner(
            pool, bench.KAFKA, p, group_id=f"{prefix}{group}.{p.name}", topic_prefix=prefix
        )
        for p in projections_for(Pseudonyms(KEY))
    ]
    out.put(0.0)
    await asyncio.to_thread(go.wait)
    cpu = time.process_time()
    for runner in runners:
        await runner.start()
    await asyncio.to_thread(stop.wait)
    for runner in runners:
        await runner.stop()
    await pool.close()
    out.put(
        (
            time.process_time() - cpu,
            decodes.total(),
            last_read[0],
            sys.modules[ProjectionRunner.__module__].__file__,
        )
    )


def catch_up(
    processes: int, dsn: str, prefix: str, ends: dict[str, int], code: str = ""
) -> dict[str, Any]:
    """Seconds until the stored offsets reach every end, with CPU and lock figures.

    ``code``: another tree whose sources the workers import instead of this one's.
    """
    # A spawned worker starts from this process's sys.path (not PYTHONPATH): put the other
    # tree's sources first while the workers start.
    own_path = list(sys.path)
    sys.path[:0] = [str(p) for p in sorted(Path(code).glob("*/*/src"))] if code else []
    spawn = multiprocessing.get_context("spawn")
    go, stop, out = spawn.Event(), spawn.Event(), spawn.Queue()
    group = uuid.uuid4().hex[:6]  # a fresh group per run: no stale members to wait out
    args = (dsn, prefix, group, go, stop, out)
    workers = [spawn.Process(target=worker, args=args) for _ in range(processes)]
    for process in workers:
        process.start()
    sys.path[:] = own_path
    for _ in workers:
        out.get(timeout=300)
    names = [p.name for p in PROJECTIONS]
    waits: Counter[str] = Counter()
    polls = 0
    with psycopg.connect(dsn, autocommit=True) as conn:
        started = time.perf_counter()
        go.set()
        wall_start = time.time()
        while True:
            rows = conn.execute(
                "SELECT topic, sum(next_offset) FROM projection_offsets"
                " WHERE projection = ANY(%s) GROUP BY topic",
                (names,),
            ).fetchall()
            done: dict[str, int] = dict(rows)
            if all(done.get(prefix + t, 0) >= n for t, n in ends.items()):
                seconds = time.perf_counter() - started
                break
            waits.update(r[0] for r in conn.execute(WAITING))
            polls += 1
            time.sleep(0.1)
        load = os.getloadavg()[0]
        query = "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
        server = backend_seconds([r[0] for r in conn.execute(query).fetchall()])
        deadlocks = conn.execute(
            "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()"
        ).fetchone()[0]  # type: ignore[index]
    stop.set()
    client = decoded = 0.0
    per_process = []
    for _ in workers:
        seconds_of, decoded_by, read_until, runner_file = out.get(timeout=300)
        client, decoded = client + seconds_of, decoded + decoded_by
        # A process that runs out of records early leaves its share of the machine idle.
        per_process.append(
            {
                "cpu_s": round(seconds_of, 1),
                "decoded": decoded_by,
                "last_read_s": round(read_until - wall_start, 1),
            }
        )
    for process in workers:
        process.join()
    total = sum(ends.values())
    return {
        "processes": processes,
        "code": runner_file,  # the runner the workers ran: this tree's or --compare's
        "eps": round(total / seconds, 1),
        "seconds": round(seconds, 1),
        "load": round(load, 2),
        "runner_cpu_us_per_event": round(client / total * 1e6, 1),
        "database_cpu_us_per_event": round(server / total * 1e6, 1),
        "decoded_per_event": round(decoded / total, 3),
        "by_process": per_process,
        "deadlocks": deadlocks,
        "lock_waits_seen": dict(waits),
        "polls": polls,
    }


def table_rows(dsn: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every fact table's rows, sorted, for a row-by-row comparison."""
    with psycopg.connect(dsn) as conn:
        return {
            t: sorted(conn.execute(sql.SQL("SELECT * FROM {}").format(sql.Identifier(t))), key=str)
            for t in TABLES
        }


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--people", type=int, default=10_000)
    args.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    args.add_argument("--compare", default="", help="another tree, run after this one's code")
    opts = args.parse_args()
    events = generate(HistoryShape(people=opts.people, programs=10, months=12, seed=1))
    envelopes = [Envelope.wrap(e, "/tandem/bench") for e in events]
    topics = ("matching.events", "engagement.events")
    ends = {t: sum(1 for e in envelopes if e.topic == t) for t in topics}
    prefix = f"bench.{uuid.uuid4().hex[:10]}."
    asyncio.run(bench.publish(prefix, envelopes))
    print(f"{len(envelopes):,} events published under {prefix}: {ends}", file=sys.stderr)
    del envelopes, events
    runs, first = [], None
    codes = ["", opts.compare] if opts.compare else [""]
    order = [(n, code) for n in opts.processes for code in codes]
    for processes, code in order:
        name = f"bench_scale_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(bench.ADMIN, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        dsn = bench.with_database(bench.ADMIN, name)
        try:
            apply_migrations(dsn, MIGRATIONS)
            figures = catch_up(processes, dsn, prefix, ends, code)
            rows = table_rows(dsn)
        finally:
            bench.drop(name)
        first = first or rows
        figures["rows"] = sum(len(r) for r in rows.values())
        figures["differing_tables"] = [t for t in TABLES if rows[t] != first[t]]
        print(json.dumps(figures), file=sys.stderr)
        runs.append(figures)
    print(json.dumps({"people": opts.people, "events": sum(ends.values()), "runs": runs}, indent=2))


if __name__ == "__main__":
    main()
