"""p50/p95/p99 from an HTTP check-in to its row in the analytics projection (issue 15, item 4).

Engagement runs as two processes (the API; a worker with its relay, projections and sweeper,
as separate deployments would) and analytics as a third (its projection runner), on scratch
databases and one topic prefix of the real Kafka. This process is an open-loop load generator
(kept_connections.py, on uvloop): check-in i is due at start + i/rate whatever earlier ones
did, each for its own pair, and a watcher polls analytics' ``check_ins`` table every 10 ms
for the ids the API returned. A check-in's latency runs from its due time to the poll that
first sees its row: HTTP, the append, the relay, Kafka, the projection's transaction, all of it.

    .venv/bin/python bench/e2e/latency.py [--rate 200] [--seconds 60] [--no-write]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import asyncpg
import orjson
import uvloop

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "engagement"))
from _common import ROOT, admin_dsn, load_average, machine, scratch_database
from checkin_load import free_port, percentile, seed, wait_healthy
from cpu_share import CpuLedger
from database_work import database_work, work_per
from kept_connections import KeptConnections, post_head

from tandem_analytics.bootstrap import MIGRATIONS as ANALYTICS_MIGRATIONS
from tandem_events.catalog import TOPICS
from tandem_events.topics import EVENT_LOG_CONFIG, provision_topics
from tandem_service.auth import DevKeyPair, Role, mint_token
from tandem_testkit.databases import DatabaseFactory

RESULTS = ROOT / "bench" / "results" / "e2e.json"
RUNNER = "runner"  # the one member every seeded pair shares, so one token logs them all
POLL_SECONDS = 0.01
WARM_UP_LIMIT_SECONDS = 600.0
SETTLE_SECONDS = 30.0  # after the last request: what has not arrived by then is an error
QUIET_CORES = 0.2  # the services are done with the seeded backlog below this
IDLE_SECONDS = 5.0  # CPU burnt with nothing to do (polling), measured before the timed run


class Watcher:
    """Notes when each awaited check-in first shows in analytics."""

    def __init__(self, dsn: str) -> None:
        self._dsn = dsn
        self.due: dict[str, float] = {}  # check-in id -> when its request was due
        self.waiting: set[str] = set()  # accepted, not yet seen in analytics
        self.latency_ms: dict[str, float] = {}
        self.http_ms: list[float] = []  # due time to the API's answer: the HTTP share
        self.done = asyncio.Event()
        self.server_pid = 0  # its PostgreSQL backend: the bench's cost, not the system's

    def expect(self, check_in_id: str, due: float) -> None:
        self.due[check_in_id] = due
        self.waiting.add(check_in_id)

    def forget(self) -> None:
        """Start counting afresh (after the warm-up)."""
        self.due.clear()
        self.waiting.clear()
        self.latency_ms.clear()
        self.http_ms.clear()

    async def run(self) -> None:
        conn = await asyncpg.connect(self._dsn)
        self.server_pid = conn.get_server_pid()
        try:
            while True:
                # Only the ids still awaited: a list of every id sent, filtered on each
                # 10 ms tick, cost the bench more CPU per check-in the longer the run.
                if self.waiting:
                    rows = await conn.fetch(
                        "SELECT check_in_id FROM check_ins WHERE check_in_id = ANY($1::text[])",
                        list(self.waiting),
                    )
                    seen = time.perf_counter()
                    for (check_in_id,) in rows:
                        self.waiting.discard(check_in_id)
                        self.latency_ms[check_in_id] = (seen - self.due[check_in_id]) * 1000
                elif self.done.is_set():
                    return
                await asyncio.sleep(POLL_SECONDS)
        finally:
            await conn.close()


async def drive(
    url: str, token: str, rate: float, seconds: float, first: int, watcher: Watcher
) -> dict[str, int]:
    """Send ``rate * seconds`` check-ins open-loop; returns the failures by kind."""
    body = orjson.dumps({"met_on": time.strftime("%Y-%m-%d"), "duration_minutes": 30, "felt": 4})
    failures: dict[str, int] = {}
    where = urlparse(url)
    host, port = where.hostname or "127.0.0.1", where.port or 80
    client = KeptConnections(host, port, limit=256)
    bearer = {"Authorization": f"Bearer {token}"}

    async def one(i: int, due: float) -> None:
        headers = {**bearer, "Idempotency-Key": uuid.uuid4().hex}
        head = post_head(host, port, f"/pairs/b{first + i}/check-ins", headers, len(body))
        try:
            status, answer = await client.post(head + body)
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            kind = type(exc).__name__
        else:
            if status == 201:
                watcher.expect(orjson.loads(answer)["id"], due)
                watcher.http_ms.append((time.perf_counter() - due) * 1000)
                return
            kind = f"HTTP {status}"
        failures[kind] = failures.get(kind, 0) + 1

    # One task per request, started when it is due (not thousands of sleeping tasks at once);
    # a late start still counts from the due time.
    sending: set[asyncio.Task[None]] = set()
    start = time.perf_counter() + 0.2
    for i in range(int(rate * seconds)):
        due = start + i / rate
        if (wait := due - time.perf_counter()) > 0:
            await asyncio.sleep(wait)
        task = asyncio.create_task(one(i, due))
        sending.add(task)
        task.add_done_callback(sending.discard)
    await asyncio.gather(*sending)
    client.close()
    return failures


async def all_seen(watcher: Watcher, seconds: float) -> bool:
    """Wait until every accepted check-in is in analytics, at most ``seconds``."""
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        if len(watcher.latency_ms) >= len(watcher.due):
            return True
        await asyncio.sleep(0.1)
    return False


async def measure(
    urls: dict[str, str],
    dsns: dict[str, str],
    token: str,
    args: argparse.Namespace,
    ledger: CpuLedger,
) -> dict[str, Any]:
    watcher = Watcher(dsns["analytics"])
    watching = asyncio.create_task(watcher.run())
    # Warm up, and let analytics work through the seeded workspaces' backlog: the timed
    # check-ins must not queue behind it.
    warm = int(args.rate)
    await drive(urls["engagement"], token, args.rate / 5, 5, 0, watcher)
    if not await all_seen(watcher, WARM_UP_LIMIT_SECONDS):
        raise SystemExit("the warm-up check-ins never reached analytics")
    watcher.forget()
    ledger.watcher_pid = watcher.server_pid
    settled = await ledger.quiet(QUIET_CORES, WARM_UP_LIMIT_SECONDS)
    resting = ledger.snapshot()
    await asyncio.sleep(IDLE_SECONDS)
    before = ledger.snapshot()
    rows_before = await database_work(dsns)
    load = load_average()
    failures = await drive(urls["engagement"], token, args.rate, args.seconds, warm, watcher)
    await all_seen(watcher, SETTLE_SECONDS)
    after = ledger.snapshot()
    await asyncio.sleep(1.5)  # backends flush their statistics about once a second
    rows_after = await database_work(dsns)
    watcher.done.set()
    watching.cancel()
    lost = len(watcher.due) - len(watcher.latency_ms)
    if lost:
        failures["not in analytics within 30 s"] = lost
    seen = list(watcher.latency_ms.values())
    if not seen:
        raise SystemExit(f"no check-in reached analytics; failures: {failures}")
    return {
        "p50_ms": round(percentile(seen, 50), 1),
        "p95_ms": round(percentile(seen, 95), 1),
        "p99_ms": round(percentile(seen, 99), 1),
        "rate": args.rate,
        "errors": sum(failures.values()),
        "detail": {
            "requests": int(args.rate * args.seconds),
            "seconds": args.seconds,
            "max_ms": round(max(seen), 1),
            "http_p50_ms": round(percentile(watcher.http_ms, 50), 1),
            "http_p99_ms": round(percentile(watcher.http_ms, 99), 1),
            "failures": failures,
            "load_average_before": load,
            "load_average_after": load_average(),
            "poll_ms": POLL_SECONDS * 1000,
            # From the first request until the last check-in reached analytics.
            "cpu_ms_per_check_in": ledger.share(before, after, len(watcher.due)),
            "idle_cpu_ms_per_second": ledger.rate(resting, before),
            "settle_seconds_before_idle": settled,
            "database_work_per_check_in": work_per(rows_before, rows_after, len(watcher.due)),
        },
    }


async def every_topic(prefix: str) -> None:
    """Create every service's event log, as a deployment has them: matching and notifications
    do not run here, and a consumer waiting for a missing input topic asks the broker for the
    whole cluster's metadata every second (thousands of topics on a shared test broker)."""
    bootstrap = os.environ.get("TANDEM_KAFKA_BOOTSTRAP", "127.0.0.1:9092")
    plan = {prefix + topic: EVENT_LOG_CONFIG for topic in TOPICS}
    await provision_topics(bootstrap, plan, partitions=3, replication=1)  # the services' defaults


def start(name: str, env: dict[str, str], **extra: str) -> subprocess.Popen[bytes]:
    command = [str(ROOT / ".venv" / "bin" / f"tandem-{name}"), "serve"]
    return subprocess.Popen(command, env={**env, **extra})


def main(args: argparse.Namespace) -> dict[str, Any]:
    pairs = int(args.rate * (args.seconds + 6)) + 10
    factory = DatabaseFactory(admin_dsn())
    with ExitStack() as stack:
        engagement_dsn = stack.enter_context(scratch_database())
        analytics_dsn = factory.create(ANALYTICS_MIGRATIONS, prefix="bench_e2e_analytics")
        stack.callback(factory.drop, analytics_dsn)
        keys_dir = stack.enter_context(tempfile.TemporaryDirectory())
        asyncio.run(seed(engagement_dsn, pairs))
        keys = DevKeyPair.load_or_create(Path(keys_dir))
        prefix = f"bench.e2e-{uuid.uuid4().hex[:8]}."
        asyncio.run(every_topic(prefix))
        env = {
            **os.environ,
            "TANDEM_ENV": "test",
            "TANDEM_TOPIC_PREFIX": prefix,
            "TANDEM_DEV_KEYS_DIR": keys_dir,
            "TANDEM_LOG_LEVEL": "WARNING",
        }
        ports = {"engagement": free_port(), "worker": free_port(), "analytics": free_port()}
        engagement = {
            **env,
            "TANDEM_DATABASE_URL": engagement_dsn,
            "TANDEM_DATABASE_POOL_MAX": "20",
        }
        children = [
            start(
                "engagement",
                engagement,
                TANDEM_HTTP_PORT=str(ports["engagement"]),
                TANDEM_RELAY_ENABLED="false",
                TANDEM_CONSUMERS_ENABLED="false",
                TANDEM_SWEEPS_ENABLED="false",
            ),
            start("engagement", engagement, TANDEM_HTTP_PORT=str(ports["worker"])),
            start(
                "analytics",
                {**env, "TANDEM_DATABASE_URL": analytics_dsn},
                TANDEM_HTTP_PORT=str(ports["analytics"]),
                TANDEM_LIVE_TILES="false",
            ),
        ]
        stack.callback(_stop, children)
        urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
        for child, name in zip(children, ("engagement", "worker", "analytics"), strict=True):
            asyncio.run(wait_healthy(urls[name], child))
        token = mint_token(keys.private_pem, RUNNER, [Role.PARTICIPANT])
        dsns = {"engagement": engagement_dsn, "analytics": analytics_dsn}
        ledger = CpuLedger(
            dict(
                zip(
                    ("engagement_api", "engagement_worker", "analytics"),
                    (c.pid for c in children),
                    strict=True,
                )
            ),
            {name: urlparse(dsn).path.lstrip("/") for name, dsn in dsns.items()},
        )
        figures = uvloop.run(measure(urls, dsns, token, args, ledger))
    return figures


def _stop(children: list[subprocess.Popen[bytes]]) -> None:
    for child in children:
        child.terminate()
    for child in children:
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def record(figures: dict[str, Any], args: argparse.Namespace) -> None:
    command = (
        f".venv/bin/python bench/e2e/latency.py --rate {args.rate:.0f} --seconds {args.seconds:.0f}"
    )
    results = {
        **figures,
        "command": command,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": machine(),
    }
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--no-write", action="store_true", help="do not update the results file")
    arguments = parser.parse_args()
    result = main(arguments)
    print(json.dumps(result, indent=2))
    if not arguments.no_write:
        record(result, arguments)
