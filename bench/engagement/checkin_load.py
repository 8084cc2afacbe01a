"""checkin_p50_ms / checkin_p99_ms: POST check-in at a steady rate (default 500/s for 60 s).

The service runs as its own process (``tandem-engagement serve``, relay and projections on,
publishing to the real Kafka); this process is an open-loop load generator (aiohttp): request
i is due at start + i/rate whatever earlier ones did, and its latency counts from that due
time, so a stalled server cannot hide its queue. Each request logs a check-in for a different
pair (no stream conflicts). ``--api-workers N`` serves the API from N uvicorn worker processes
(``TANDEM_HTTP_WORKERS``). Usage: ``.venv/bin/python bench/engagement/checkin_load.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).parent))
from _common import ROOT, insert_histories, load_average, record, scratch_database

from tandem_engagement.domain.lifecycle import open_workspace
from tandem_engagement.domain.workspace import Workspace
from tandem_engagement.handlers.follow_ups import with_follow_ups
from tandem_events.catalog.matching import PairCreated
from tandem_service.auth import DevKeyPair, Role, mint_token
from tandem_service.database import create_pool

RUNNER = "runner"
WARM_UP_SECONDS = 5


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def seed(dsn: str, pairs: int) -> None:
    """Open ``pairs`` workspaces for the runner, ten days ago."""
    opened_at = datetime.now(UTC) - timedelta(days=10)
    pool = await create_pool(dsn)
    try:
        for start in range(0, pairs, 5_000):
            histories = {}
            for n in range(start, min(pairs, start + 5_000)):
                created = PairCreated(
                    occurred_at=opened_at,
                    actor_id="admin",
                    pair_id=f"b{n}",
                    program_id="prog",
                    member_ids=(RUNNER, f"partner-{n}"),
                    score=1.0,
                )
                decided = open_workspace(Workspace(), created, "onboarding", {})
                histories[f"b{n}"] = with_follow_ups(Workspace(), decided, opened_at)[1]
            await insert_histories(pool, histories, opened_at)
    finally:
        await pool.close()


async def drive(
    url: str, token: str, rate: float, seconds: float, first: int, failures: Counter[str]
) -> list[float]:
    """Send ``rate * seconds`` check-ins open-loop; latencies in ms (inf for an error, whose
    status or exception is counted in ``failures``)."""
    today = datetime.now(UTC).date().isoformat()
    body = {
        "met_on": today,
        "duration_minutes": 30,
        "felt": 4,
        "topics": ["bench"],
        "notes": "load test",
    }
    headers = {"Authorization": f"Bearer {token}"}
    latencies: list[float] = []
    connector = aiohttp.TCPConnector(limit=256)
    async with aiohttp.ClientSession(connector=connector, headers=headers) as session:

        async def one(i: int, due: float) -> None:
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            key = {"Idempotency-Key": uuid.uuid4().hex}
            try:
                async with session.post(
                    f"{url}/pairs/b{first + i}/check-ins", json=body, headers=key
                ) as answer:
                    await answer.read()
                    ok = answer.status == 201
                    if not ok:
                        failures[f"HTTP {answer.status}"] += 1
            except aiohttp.ClientError as exc:
                ok = False
                failures[type(exc).__name__] += 1
            latencies.append((time.perf_counter() - due) * 1000 if ok else float("inf"))

        start = time.perf_counter() + 0.2
        total = int(rate * seconds)
        await asyncio.gather(*(one(i, start + i / rate) for i in range(total)))
    return latencies


def _stat(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process and its live descendants (the HTTP workers that
    uvicorn's supervisor starts) have used so far."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int(_stat(int(entry.name))[1])
            except (OSError, IndexError):
                continue  # gone meanwhile
    tree, grew = {pid}, True
    while grew:
        found = {child for child, parent in parents.items() if parent in tree}
        grew = not found <= tree
        tree |= found
    ticks = 0
    for member in tree:
        try:
            fields = _stat(member)
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def wait_healthy(url: str, child: subprocess.Popen[bytes]) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(300):
            if child.poll() is not None:
                raise RuntimeError("the service exited")
            try:
                async with session.get(f"{url}/health") as answer:
                    if answer.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError("the service never answered /health")


def main(rate: float, seconds: float, write: bool, workers: int = 1) -> None:
    pairs = int(rate * (seconds + WARM_UP_SECONDS)) + 10
    failures: Counter[str] = Counter()
    with scratch_database() as dsn, tempfile.TemporaryDirectory() as keys_dir:
        asyncio.run(seed(dsn, pairs))
        keys = DevKeyPair.load_or_create(Path(keys_dir))
        token = mint_token(keys.private_pem, RUNNER, [Role.PARTICIPANT])
        port = free_port()
        env = {
            **os.environ,
            "TANDEM_ENV": "test",
            "TANDEM_DATABASE_URL": dsn,
            "TANDEM_HTTP_PORT": str(port),
            "TANDEM_TOPIC_PREFIX": f"bench.{uuid.uuid4().hex[:8]}.",
            "TANDEM_DEV_KEYS_DIR": keys_dir,
            "TANDEM_LOG_LEVEL": "WARNING",
            "TANDEM_DATABASE_POOL_MAX": "20",
        }
        service = [str(ROOT / ".venv" / "bin" / "tandem-engagement"), "serve"]
        # The API in one process; the relay, projections and sweeper in another (as separate
        # deployments would run them), so the measured process serves HTTP only.
        api = {
            "TANDEM_HTTP_WORKERS": str(workers),
            "TANDEM_RELAY_ENABLED": "false",
            "TANDEM_CONSUMERS_ENABLED": "false",
            "TANDEM_SWEEPS_ENABLED": "false",
        }
        worker_port = free_port()
        worker = subprocess.Popen(service, env={**env, "TANDEM_HTTP_PORT": str(worker_port)})
        child = subprocess.Popen(service, env={**env, **api})
        url = f"http://127.0.0.1:{port}"
        try:
            asyncio.run(wait_healthy(f"http://127.0.0.1:{worker_port}", worker))
            asyncio.run(wait_healthy(url, child))
            warm = int(rate * WARM_UP_SECONDS / 5)
            asyncio.run(drive(url, token, rate / 5, WARM_UP_SECONDS, 0, Counter()))
            load = load_average()
            cpu_before = cpu_seconds(child.pid)
            latencies = asyncio.run(drive(url, token, rate, seconds, warm, failures))
            api_cpu_ms = (cpu_seconds(child.pid) - cpu_before) * 1000 / len(latencies)
        finally:
            for process in (child, worker):
                process.terminate()
            for process in (child, worker):
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
    errors = sum(1 for v in latencies if v == float("inf"))
    ok = [v for v in latencies if v != float("inf")]
    p50, p99 = percentile(ok, 50), percentile(ok, 99)
    print(
        f"checkin_p50_ms={p50:.1f} checkin_p99_ms={p99:.1f} errors={errors} of {len(latencies)} "
        f"at {rate:.0f}/s for {seconds:.0f} s, {workers} API worker(s) (load {load}, "
        f"mean {statistics.fmean(ok):.1f} ms, "
        f"API CPU {api_cpu_ms:.1f} ms per request) failures {dict(failures)}"
    )
    if write:
        record(
            {
                "checkin_p50_ms": round(p50, 1),
                "checkin_p99_ms": round(p99, 1),
                "checkin_rate": rate,
                "checkin_errors": errors,
            },
            f".venv/bin/python bench/engagement/checkin_load.py --rate {rate:.0f} "
            f"--seconds {seconds:.0f} --api-workers {workers}",
            {
                "checkin": {
                    "requests": len(latencies),
                    "seconds": seconds,
                    "pairs": pairs,
                    "load_average_before": load,
                    "max_ms": round(max(ok), 1),
                    "api_cpu_ms_per_request": round(api_cpu_ms, 2),
                    "api_workers": workers,
                    "failures": dict(failures),
                    "generator": "aiohttp open loop, separate process from the service",
                    "service": f"API: {workers} HTTP worker process(es), CPU summed over them; "
                    "relay, projections, sweeper in another process",
                }
            },
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=500)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument(
        "--api-workers", type=int, default=1, help="HTTP worker processes of the API (uvicorn)"
    )
    parser.add_argument("--no-write", action="store_true", help="do not update the results file")
    args = parser.parse_args()
    main(args.rate, args.seconds, not args.no_write, args.api_workers)
