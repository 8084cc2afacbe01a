"""The fault drill (issue 15, item 3; docs/decisions/0028-fault-drill.md).

While a steady load of commands runs through the four services, each running as real
processes on a private PostgreSQL and a private broker, the drill SIGKILLs in turn the
broker, PostgreSQL, each API process and each worker (relay), restarts it and times how
long until everything has converged. At the end: every event of an accepted command is on
Kafka once and in order per stream, every projection equals a rebuild from the log, and no
notification reached the SMTP sink or the webhook receiver twice.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tandem_analytics.bootstrap import projections as analytics_projections
from tandem_analytics.settings import AnalyticsSettings
from tandem_demo.inboxes import Inboxes
from tandem_events.catalog.engagement import CheckInLogged
from tandem_events.catalog.matching import ParticipantEnrolled
from tandem_events.kafka_producer import ensure_topics
from tandem_service.database import create_pool
from tandem_testkit.databases import DatabaseFactory
from tandem_testkit.private_kafka import PrivateKafka
from tandem_testkit.private_postgres import PrivatePostgres, postgres_bindir
from tandem_testkit.servers import repo_root

from .drill_checks import accepted_stored_once, log_matches_store, projections_match_rebuild
from .drill_converge import close_pools
from .drill_kills import PATIENCE, Converged, Parts, Waiting, drained, kill_and_heal
from .drill_load import Load
from .drill_seed import seed
from .drill_stack import (
    DEFINITIONS,
    PSEUDONYM_KEY,
    PUBLISHERS,
    all_healthy,
    processes,
    topic_prefix,
)

# Four minutes on a quiet 2-core CI machine; TANDEM_DRILL_TIMEOUT stretches it on a busy one.
pytestmark = pytest.mark.timeout(int(os.environ.get("TANDEM_DRILL_TIMEOUT", "240")))
WARM_UP = 3.0  # seconds of load before the first kill
STARTED = 0.0
QUIET = 3.0  # inboxes unchanged this long: nothing more is on its way


def _missing_binaries() -> str | None:
    if postgres_bindir() is None:
        return "no PostgreSQL binaries under /usr/lib/postgresql (apt-get install postgresql)"
    if not any((repo_root() / ".local" / "kafka" / "libs").glob("kafka_2.13-*.jar")):
        return "no Kafka jars in .local/kafka/libs (deploy/local/stack.py install)"
    if shutil.which("java") is None:
        return "no java (apt-get install openjdk-17-jre-headless)"
    return None


def test_fault_drill(tmp_path: Path) -> None:
    reason = _missing_binaries()
    if reason:
        pytest.skip(reason)
    global STARTED
    STARTED = time.monotonic()
    postgres = PrivatePostgres()
    kafka = PrivateKafka(tmp_path / "kafka")
    inboxes = Inboxes(lambda: datetime.now(UTC)).start()
    keys, logs = tmp_path / "keys", tmp_path / "logs"
    logs.mkdir()
    running = {}
    try:
        postgres.start()
        kafka.start()
        factory = DatabaseFactory(postgres.dsn)
        dsn = {d.name: factory.create(d.all_migrations, d.name) for d in DEFINITIONS}
        running = processes(dsn, kafka.bootstrap, keys, logs, inboxes.mail.port)
        prefix = topic_prefix(running)
        topics = [f"{prefix}{s}.events" for s in PUBLISHERS]
        asyncio.run(ensure_topics(kafka.bootstrap, topics))
        for process in running.values():
            process.start()
        asyncio.run(all_healthy(running))
        print(f"drill: services up at {time.monotonic() - STARTED:.1f} s", flush=True)
        own = {d.name: d.projections for d in DEFINITIONS[:3]}
        settings = AnalyticsSettings(pseudonym_key=PSEUDONYM_KEY)
        projections = {**own, "analytics": analytics_projections(settings)}
        parts = Parts(postgres, kafka, running, dsn, projections, prefix, topics)  # type: ignore[arg-type]
        report = asyncio.run(_drill(parts, inboxes, keys, tmp_path))
    finally:
        for process in running.values():
            process.stop()
        inboxes.stop()
        kafka.remove()
        postgres.remove()
    problems = report.pop("problems")
    assert not problems, "\n".join(problems)


async def _drill(parts: Parts, inboxes: Inboxes, keys: Path, tmp_path: Path) -> dict[str, Any]:
    urls = {name: p.url for name, p in parts.processes.items()}
    load = Load(urls, keys, "")
    await seed(load, inboxes)
    load.accepted.failures.clear()  # the seeding's waits for read models are no failures
    healed: list[Converged] = []
    try:
        await _kill_in_turn(parts, load, healed)
        async with asyncio.timeout(PATIENCE):
            await drained(parts, Waiting(asyncio.get_running_loop().time()))
    finally:
        await close_pools()
    delivered = await inboxes.quiet(QUIET)
    copies: dict[str, int] = {}
    problems = await _verdicts(parts, load, copies)
    if inboxes.duplicates():
        problems.append(f"notifications sent twice: {inboxes.repeated()}")
    if not sum(delivered.values()):
        problems.append("no notification delivered at all: the drill proved nothing there")
    report = {
        "converged": [vars(h) for h in healed],
        "accepted": dict(load.accepted.counts),
        "failed": dict(load.accepted.failures),
        "delivered": delivered,
        "copies_on_log": copies,
        "drill_cpu_seconds": round(time.process_time(), 1),
        "loop_lag_max_seconds": round(load.lag, 2),
        "problems": problems,
    }
    _print(report, tmp_path)
    return report


async def _kill_in_turn(parts: Parts, load: Load, healed: list[Converged]) -> None:
    """Each target in turn under the load, which stops once the last has converged."""
    stop = asyncio.Event()
    loading = asyncio.create_task(load.run(stop))
    try:
        await asyncio.sleep(WARM_UP)
        print(f"drill: seeded, load running at {time.monotonic() - STARTED:.1f} s", flush=True)
        only = os.environ.get("TANDEM_DRILL_ONLY")  # e.g. "broker,postgres" while debugging
        for target in [t for t in parts.targets() if not only or t in only.split(",")]:
            healed.append(await kill_and_heal(parts, load, target))
    finally:
        stop.set()
        await loading
        await load.close()


async def _verdicts(parts: Parts, load: Load, copies: dict[str, int]) -> list[str]:
    problems: list[str] = []
    for service in (*PUBLISHERS, "analytics"):
        pool = await create_pool(parts.dsn[service], max_size=2)
        try:
            if service in PUBLISHERS:
                topic = f"{parts.prefix}{service}.events"
                found, copies[service] = await log_matches_store(pool, parts.kafka.bootstrap, topic)
                problems += found
            problems += await projections_match_rebuild(
                pool, parts.kafka.bootstrap, parts.prefix, parts.projections[service]
            )
            if service == "engagement":
                problems += await accepted_stored_once(
                    pool, CheckInLogged.type_name(), "check_in_id", load.accepted.check_ins
                )
            if service == "matching":
                problems += await accepted_stored_once(
                    pool, ParticipantEnrolled.type_name(), "person_id", load.accepted.enrolled
                )
        finally:
            await pool.close()
    return problems


def _print(report: dict[str, Any], tmp_path: Path) -> None:
    """The convergence table on the test's output, the whole report as JSON beside it."""
    lines = [f"{'killed':24} {'restarted s':>11} {'serving s':>10} {'converged s':>12}"]
    for h in report["converged"]:
        lines.append(
            f"{h['target']:24} {h['restarted']:11.1f} {h['serving']:10.1f} {h['converged']:12.1f}"
        )
    artifact = tmp_path / "fault_drill.json"
    artifact.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")
    print("\n".join(["", "fault drill: time to converge after each SIGKILL", *lines]))
    print(f"accepted {report['accepted']}; failed {report['failed']}")
    print(f"delivered {report['delivered']}; report {artifact}")
    print(f"events on the log more than once: {report['copies_on_log']}")
