"""Notifications benchmark: a committed round of 10,000 pairs to 20,000 introductions accepted
by a local SMTP server (aiosmtpd on loopback), counting duplicate Message-IDs.

Run: .venv/bin/python bench/notifications/run.py [--pairs N]
The service runs as its own process (``tandem-notifications serve``) on a scratch database and
topic prefix; this process publishes the PairCreated events, serves the directory contract and
runs the SMTP sink. The clock starts when the first PairCreated is sent.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import aiosmtplib
import httpx
from fastapi import FastAPI, Query

from tandem_events.catalog.matching import (
    MatchingPolicy,
    MatchRoundCompleted,
    PairCreated,
    ProgramLaunched,
)
from tandem_events.envelope import Envelope
from tandem_events.kafka_producer import EventPublisher, ensure_topics
from tandem_notifications.bootstrap import MIGRATIONS
from tandem_testkit.databases import DatabaseFactory
from tandem_testkit.uvicorn_server import serving

sys.path.insert(0, str(Path(__file__).parent))
from sink import FastSink  # beside this script, which is not a package

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results" / "notifications.json"
COMMAND = ".venv/bin/python bench/notifications/run.py"
KAFKA = os.environ.get("TANDEM_TEST_KAFKA_BOOTSTRAP", "127.0.0.1:9092")
ADMIN_DSN = os.environ.get(
    "TANDEM_TEST_DATABASE_URL", "postgresql://tandem:tandem@127.0.0.1:5432/postgres"
)
TUNING = {
    "TANDEM_DISPATCH_BATCH": "500",
    "TANDEM_DISPATCH_CONCURRENCY": "64",
    "TANDEM_SMTP_CONNECTIONS": "8",
    "TANDEM_SEND_RATE_PER_SECOND": "5000",
    "TANDEM_DATABASE_POOL_MAX": "12",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def directory(size: int) -> FastAPI:
    """Matching's contacts contract (ADR 0013) for ``person-0`` .. ``person-<size-1>``."""
    app = FastAPI()

    @app.get("/directory/contacts")
    async def contacts(person_id: Annotated[list[str], Query(max_length=100)]) -> dict[str, Any]:
        return {
            "contacts": [
                {
                    "person_id": p,
                    "name": f"Person {p[7:]}",
                    "email": f"{p}@example.com",
                    "timezone": "UTC",
                }
                for p in person_id
            ],
            "unknown": [],
        }

    return app


def working_morning_offset() -> float:
    """Seconds that move the service's clock to the coming Wednesday 10:00 UTC (working hours)."""
    now = datetime.now(UTC)
    target = (now + timedelta(days=(2 - now.weekday()) % 7 or 7)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    return (target - now).total_seconds()


def round_events(pairs: int, at: datetime) -> list[Envelope]:
    program = ProgramLaunched(
        occurred_at=at,
        actor_id="admin-1",
        program_id="bench",
        name="Bench",
        purpose="growth",
        starts_on=date(2026, 1, 5),
        suggested_cadence_days=14,
        policy=MatchingPolicy(),
    )
    created = [
        PairCreated(
            occurred_at=at,
            actor_id="admin-1",
            pair_id=f"pair-{i}",
            program_id="bench",
            member_ids=(f"person-{2 * i}", f"person-{2 * i + 1}"),
            round_id="round-1",
            score=0.8,
            reasons=("you share goals",),
        )
        for i in range(pairs)
    ]
    done = MatchRoundCompleted(
        occurred_at=at,
        actor_id="admin-1",
        program_id="bench",
        round_id="round-1",
        pairs=pairs,
        triads=0,
        people_matched=2 * pairs,
        total_score=0.8 * pairs,
        exact=True,
    )
    return [Envelope.wrap(e, "/tandem/matching") for e in [program, *created, done]]


async def publish(prefix: str, envelopes: list[Envelope]) -> float:
    publisher = EventPublisher(KAFKA, topic_prefix=prefix)
    await publisher.start()
    try:
        started = time.perf_counter()
        for start in range(0, len(envelopes), 2000):
            await publisher.publish(envelopes[start : start + 2000])
        return time.perf_counter() - started
    finally:
        await publisher.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=10_000)
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--profile", help="write the service's cProfile stats to this file")
    parser.add_argument("--workers", type=int, default=2, help="dispatch processes")
    args = parser.parse_args()
    people = 2 * args.pairs
    factory = DatabaseFactory(ADMIN_DSN)
    dsn = factory.create(MIGRATIONS, prefix="bench_notifications")
    prefix = f"bench.{uuid.uuid4().hex[:10]}."
    asyncio.run(ensure_topics(KAFKA, [f"{prefix}matching.events", f"{prefix}engagement.events"]))
    sink = FastSink().start()
    offset = working_morning_offset()
    port = free_port()
    service: subprocess.Popen[bytes] | None = None
    workers: list[subprocess.Popen[bytes]] = []
    try:
        with serving(directory(people)) as directory_url, tempfile.TemporaryDirectory() as keys:
            env = {
                **os.environ,
                **TUNING,
                "TANDEM_ENV": "test",
                "TANDEM_DATABASE_URL": dsn,
                "TANDEM_KAFKA_BOOTSTRAP": KAFKA,
                "TANDEM_TOPIC_PREFIX": prefix,
                "TANDEM_HTTP_PORT": str(port),
                "TANDEM_SMTP_PORT": str(sink.port),
                "TANDEM_MATCHING_URL": directory_url,
                "TANDEM_DEV_KEYS_DIR": keys,
                "TANDEM_CLOCK_OFFSET_DAYS": str(offset / 86_400),
                "TANDEM_LOG_LEVEL": "WARNING",
                # The served process plans (consumer) and relays; the workers send.
                "TANDEM_DISPATCH_ENABLED": "false" if args.workers else "true",
            }
            command = ["-m", "tandem_notifications", "serve"]
            if args.profile:
                command = [str(Path(__file__).with_name("profiled.py")), args.profile]
            service = subprocess.Popen(
                [sys.executable, *command],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=None if args.profile else subprocess.DEVNULL,
            )
            wait_ready(f"http://127.0.0.1:{port}/ready")
            for n in range(args.workers):
                dispatch = ["-m", "tandem_notifications", "dispatch"]
                if args.profile and n == 0:
                    profiled = Path(__file__).with_name("profiled.py")
                    dispatch = [str(profiled), f"{args.profile}.dispatch", "dispatch"]
                workers.append(
                    subprocess.Popen(
                        [sys.executable, *dispatch],
                        env=env,
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )
                )
            envelopes = round_events(args.pairs, datetime.now(UTC) + timedelta(seconds=offset))
            started = time.perf_counter()
            publish_seconds = asyncio.run(publish(prefix, envelopes))
            goal = 2 * args.pairs
            deadline = started + args.timeout
            while len(sink.counts) < goal and time.perf_counter() < deadline:
                time.sleep(0.05)
            seconds = time.perf_counter() - started
            time.sleep(3)  # anything sent twice would arrive now
            counts = sink.counts
            in_app = count_inbox(dsn)
            cpu = sum(cpu_seconds(p.pid) for p in [*workers, service])
            for process in [*workers, service]:
                process.terminate()
                process.wait(30)
            service = None
            load = os.getloadavg()
            peer = asyncio.run(
                peer_seconds(sink.port, len(counts), int(TUNING["TANDEM_SMTP_CONNECTIONS"]))
            )
    finally:
        for process in [*workers, *([service] if service else [])]:
            if process.poll() is None:
                process.kill()
        sink.stop()
        factory.drop(dsn)
    result = {
        "command": COMMAND + ("" if args.pairs == 10_000 else f" --pairs {args.pairs}"),
        "pairs": args.pairs,
        "introductions_expected": 2 * args.pairs,
        "introductions_accepted": len(counts),
        "intro_fanout_seconds": round(seconds, 2),
        "duplicates_sent": sum(counts.values()) - len(counts),
        "emails_per_second": round(len(counts) / seconds, 1),
        # Steadier than the wall time on a shared machine (PostgreSQL's and Kafka's not counted).
        "service_cpu_seconds": round(cpu, 1),
        "in_app_introductions": in_app,
        "publish_seconds": round(publish_seconds, 2),
        "goal_seconds": 60,
        "dispatch_workers": args.workers or "in the served process",
        "peer": {
            "what": (
                "a bare aiosmtplib client sending as many prebuilt messages to the same sink"
                " over as many connections, right after the run (same machine, same load)"
            ),
            "seconds": round(peer, 2),
            "ratio_ours_to_peer": round(seconds / peer, 2),
        },
        "tuning": {k.removeprefix("TANDEM_").lower(): v for k, v in TUNING.items()},
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_after": load,
            "python": platform.python_version(),
        },
        "recorded_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    print(json.dumps(result, indent=2))
    if args.pairs == 10_000:
        RESULTS.write_text(json.dumps(result, indent=2) + "\n")


async def peer_seconds(port: int, count: int, connections: int) -> float:
    """The same number of prebuilt messages through bare aiosmtplib clients: the channel's
    floor on this machine at this moment, to read the figure against."""
    raw = (
        b"From: bench@example.com\r\nTo: p@example.com\r\nSubject: peer\r\n"
        b"Message-ID: <peer-%d@bench>\r\n\r\n" + b"x" * 1500 + b"\r\n"
    )
    clients = [aiosmtplib.SMTP(hostname="127.0.0.1", port=port) for _ in range(connections)]
    started = time.perf_counter()
    for client in clients:
        await client.connect()

    async def send_share(client: aiosmtplib.SMTP, share: range) -> None:
        for n in share:
            await client.sendmail(
                "bench@example.com", ["p@example.com"], raw.replace(b"%d", b"%d" % n)
            )

    await asyncio.gather(
        *(send_share(c, range(i, count, connections)) for i, c in enumerate(clients))
    )
    for client in clients:
        await client.quit()
    return time.perf_counter() - started


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a live process has used so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_ready(url: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError("the notifications service did not become ready")


def count_inbox(dsn: str) -> int:
    import psycopg

    with psycopg.connect(dsn) as conn:
        row = conn.execute("SELECT count(*) FROM inbox WHERE kind = 'introduction'").fetchone()
        return int(row[0]) if row else 0


if __name__ == "__main__":
    main()
