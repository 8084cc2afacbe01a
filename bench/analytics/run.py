"""Analytics benchmark: projection catch-up over a generated year, and the analyst views.

``catchup_eps``: a generated history (``--people`` participants of a 100,000-person
organisation over 12 months, about 1,000,000 mixed matching and engagement events) is
published to fresh prefixed topics (not timed); then both analytics projections start
against a fresh database and are timed until the offsets they store reach the end of every
partition. In the same run, over the same topics, a peer is timed the same way: the
backbone's reference projection (bench/events/projection.py: one per-event upsert keyed by
the aggregate), so ``catchup_ratio`` says how the analytics projections fare against it on
the machine as loaded then. ``view_p95_ms``: as ``tandem_analyst``, every documented example
query in docs/analytics.md, ``--rounds`` times each after one warm-up; p95 over all of them
(and per view in the detail), after the service's refresh of the stored views (timed:
``view_refresh_seconds``). Results go to bench/results/analytics.json.

    .venv/bin/python bench/analytics/run.py [--people N] [--rounds N] [--quick] [--processes N]
    .venv/bin/python bench/analytics/run.py --views-only DSN   # time the views of a kept run
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import statistics
import sys
import time
import uuid
from collections.abc import Sequence
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from psycopg import sql

from tandem_analytics.bootstrap import MIGRATIONS
from tandem_analytics.domain.pseudonyms import Pseudonyms
from tandem_analytics.history import HistoryShape, generate
from tandem_analytics.projections import projections_for
from tandem_analytics.projections.views import ACCESS_SQL, refresh_views_at
from tandem_events.catalog.base import DomainEvent
from tandem_events.collector import tune_collector
from tandem_events.envelope import Envelope
from tandem_events.kafka_producer import EventPublisher, ensure_topics
from tandem_events.projection import Projection, ProjectionContext
from tandem_events.runner import ProjectionRunner
from tandem_service.database import apply_migrations, create_pool

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results" / "analytics.json"
DOC = ROOT / "docs" / "analytics.md"
ADMIN = os.environ.get(
    "TANDEM_DATABASE_URL_ADMIN", "postgresql://tandem:tandem@127.0.0.1:5432/postgres"
)
KAFKA = os.environ.get("TANDEM_KAFKA_BOOTSTRAP", "127.0.0.1:9092")
PARTITIONS = 3
VERBOSE = bool(os.environ.get("BENCH_VERBOSE"))


class EventsPerAggregate:
    """The peer: one upsert per event keyed by its aggregate (the backbone bench's shape)."""

    name = "peer"
    topics: Sequence[str] = ("matching.events", "engagement.events")
    tables: Sequence[str] = ("bench_peer",)
    UPSERT = (
        "INSERT INTO bench_peer (key, events, last_event) VALUES ($1, 1, $2)"
        " ON CONFLICT (key) DO UPDATE SET events = bench_peer.events + 1,"
        " last_event = EXCLUDED.last_event"
    )

    async def apply(self, ctx: ProjectionContext, event: DomainEvent, envelope: Envelope) -> None:
        await ctx.conn.execute(self.UPSERT, envelope.key, envelope.id)


def with_database(dsn: str, name: str) -> str:
    base, _, query = dsn.partition("?")
    return base.rsplit("/", 1)[0] + f"/{name}" + (f"?{query}" if query else "")


def analyst(dsn: str) -> str:
    scheme, rest = dsn.split("://", 1)
    return f"{scheme}://tandem_analyst:tandem_analyst@" + rest.rsplit("@", 1)[-1]


def drop(name: str) -> None:
    with psycopg.connect(ADMIN, autocommit=True) as conn, suppress(psycopg.Error):
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def examples() -> dict[str, str]:
    """The documented example query of each view."""
    found = re.findall(r"^### analytics\.(\w+)\n.*?```sql\n(.+?)```", DOC.read_text(), re.S | re.M)
    return dict(found)


async def publish(prefix: str, envelopes: list[Envelope]) -> None:
    await ensure_topics(
        KAFKA, [prefix + t for t in ("matching.events", "engagement.events")], PARTITIONS
    )
    publisher = EventPublisher(KAFKA, topic_prefix=prefix)
    await publisher.start()
    try:
        for i in range(0, len(envelopes), 50_000):
            await publisher.publish(envelopes[i : i + 50_000])
    finally:
        await publisher.stop()


async def catch_up(
    dsn: str, prefix: str, ends: dict[str, int], projections: list[Projection]
) -> float:
    """Seconds from the runners' start until their stored offsets reach every end."""
    pool = await create_pool(dsn, max_size=4)
    runners = [
        ProjectionRunner(pool, KAFKA, p, group_id=f"{prefix}{p.name}", topic_prefix=prefix)
        for p in projections
    ]
    names = [p.name for p in projections]
    started = time.perf_counter()
    for runner in runners:
        await runner.start()
    try:
        while True:
            rows = await pool.fetch(
                "SELECT topic, sum(next_offset) AS n FROM projection_offsets"
                " WHERE projection = ANY($1::text[]) GROUP BY topic",
                names,
            )
            done = {r["topic"]: r["n"] for r in rows}
            if VERBOSE:
                print(f"{time.perf_counter() - started:6.1f} s {done}", file=sys.stderr)
            if all(done.get(prefix + t, 0) >= n for t, n in ends.items()):
                return time.perf_counter() - started
            await asyncio.sleep(0.25)
    finally:
        for runner in runners:
            await runner.stop()
        await pool.close()


def views(dsn: str, rounds: int) -> dict[str, list[float]]:
    """Milliseconds of each documented example, as the analyst."""
    timings: dict[str, list[float]] = {}
    with psycopg.connect(analyst(dsn), autocommit=True) as conn:
        for view, query in examples().items():
            timings[view] = []
            for _ in range(rounds + 1):  # the first is a warm-up
                t = time.perf_counter()
                try:
                    conn.execute(query).fetchall()  # type: ignore[call-overload]
                    ms = (time.perf_counter() - t) * 1000
                except psycopg.errors.QueryCanceled:  # the role's statement_timeout
                    ms = float("inf")
                timings[view].append(ms)
            timings[view] = timings[view][1:]
    return timings


def refresh(dsn: str) -> float:
    """Seconds to apply pending migrations and recompute the stored views (as the service)."""
    apply_migrations(dsn, MIGRATIONS)
    t = time.perf_counter()
    asyncio.run(refresh_views_at(dsn))
    return time.perf_counter() - t


def p95(values: list[float]) -> float:
    return (
        statistics.quantiles(values, n=20, method="inclusive")[18] if len(values) > 1 else values[0]
    )


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--people", type=int, default=55_000)
    args.add_argument("--programs", type=int, default=10)
    args.add_argument("--rounds", type=int, default=20)
    args.add_argument("--quick", action="store_true", help="2,000 people, results not saved")
    args.add_argument("--keep", action="store_true", help="keep the database (to explain plans)")
    args.add_argument(
        "--processes", type=int, default=1, help="runner processes per group (scale_out.py)"
    )
    args.add_argument("--views-only", metavar="DSN", help="only time the views of a kept database")
    opts = args.parse_args()
    if opts.views_only:
        refresh_seconds = refresh(opts.views_only)
        print(f"views refreshed in {refresh_seconds:.1f} s", file=sys.stderr)
        timings = views(opts.views_only, opts.rounds)
        every = [ms for v in timings.values() for ms in v]
        print(json.dumps({v: round(p95(ms), 1) for v, ms in timings.items()}, indent=2))
        print(f"p95 {p95(every):.1f} ms", file=sys.stderr)
        if not opts.quick:  # re-timed views of a kept run replace the run's view figures
            saved = json.loads(RESULTS.read_text())
            saved["view_p95_ms"] = round(p95(every), 1)
            saved["detail"]["view_p95_ms_by_view"] = {
                v: round(p95(ms), 1) for v, ms in timings.items()
            }
            saved["detail"]["view_timeouts"] = sum(1 for ms in every if ms == float("inf"))
            saved["detail"]["view_rounds"] = opts.rounds
            saved["detail"]["view_refresh_seconds"] = round(refresh_seconds, 1)
            saved["detail"]["views_measured"] = (
                f"{datetime.now(UTC):%Y-%m-%d %H:%M UTC}, load {os.getloadavg()[0]:.2f},"
                " bench/analytics/run.py --views-only on the kept database"
            )
            RESULTS.write_text(json.dumps(saved, indent=2, sort_keys=True) + "\n")
        return
    people = 2_000 if opts.quick else opts.people
    t = time.perf_counter()
    events = generate(HistoryShape(people=people, programs=opts.programs, months=12, seed=1))
    envelopes = [Envelope.wrap(e, "/tandem/bench") for e in events]
    del events
    generated = time.perf_counter() - t
    ends = {
        t: sum(1 for e in envelopes if e.topic == t)
        for t in ("matching.events", "engagement.events")
    }
    print(f"{len(envelopes):,} events generated in {generated:.0f} s: {ends}", file=sys.stderr)
    run = uuid.uuid4().hex[:10]
    prefix, name = f"bench.{run}.", f"bench_analytics_{run}"
    with psycopg.connect(ADMIN, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    dsn = with_database(ADMIN, name)
    try:
        apply_migrations(dsn, MIGRATIONS)
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(ACCESS_SQL.read_text())  # type: ignore[arg-type]  # our own file
        asyncio.run(publish(prefix, envelopes))
        print("published; catching up", file=sys.stderr)
        total = len(envelopes)
        del envelopes
        ours = projections_for(Pseudonyms(b"bench-pseudonym-key-0123456789"))
        tune_collector()  # as the service does once started
        if opts.processes > 1:  # as replicas would: one consumer group, partitions spread
            from scale_out import catch_up as scaled_out

            seconds = scaled_out(opts.processes, dsn, prefix, ends)["seconds"]
        else:
            seconds = asyncio.run(catch_up(dsn, prefix, ends, ours))
        load = os.getloadavg()[0]
        eps = total / seconds
        print(
            f"catch-up: {total:,} events in {seconds:.1f} s = {eps:,.0f} events/s", file=sys.stderr
        )
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(
                "CREATE TABLE bench_peer (key text PRIMARY KEY, events int, last_event text)"
            )
        peer_seconds = asyncio.run(catch_up(dsn, prefix, ends, [EventsPerAggregate()]))
        peer_load = os.getloadavg()[0]
        peer_eps = total / peer_seconds
        print(f"peer: {peer_eps:,.0f} events/s (ratio {eps / peer_eps:.2f})", file=sys.stderr)
        refresh_seconds = refresh(dsn)
        refresh_load = os.getloadavg()[0]
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
        timings = views(dsn, opts.rounds)
    finally:
        if opts.keep:
            print(f"kept: {dsn}", file=sys.stderr)
        else:
            drop(name)
    every = [ms for v in timings.values() for ms in v]
    figures = {
        "catchup_eps": round(eps, 1),
        "view_p95_ms": round(p95(every), 1),
        "catchup_ratio": round(eps / peer_eps, 2),
        "detail": {
            "peer_eps": round(peer_eps, 1),
            "peer": "bench/analytics/run.py EventsPerAggregate: one upsert per event by key",
            "load_average_after_catchup": round(load, 2),
            "load_average_after_peer": round(peer_load, 2),
            "events": total,
            "events_by_topic": ends,
            "people": people,
            "programs": opts.programs,
            "months": 12,
            "catchup_seconds": round(seconds, 1),
            "catchup_processes": opts.processes,
            "view_p95_ms_by_view": {v: round(p95(ms), 1) for v, ms in timings.items()},
            "view_timeouts": sum(1 for ms in every if ms == float("inf")),
            "view_rounds": opts.rounds,
            "view_refresh_seconds": round(refresh_seconds, 1),
            "load_average_after_refresh": round(refresh_load, 2),
            "machine": f"{os.cpu_count()} cores, {platform.platform()}, "
            f"Python {platform.python_version()}",
            "load_average": round(os.getloadavg()[0], 2),
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "command": " ".join(["bench/analytics/run.py", *sys.argv[1:]]),
        },
    }
    print(json.dumps(figures, indent=2))
    if not opts.quick:
        RESULTS.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
