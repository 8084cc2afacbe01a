"""Shared plumbing of the engagement benchmarks: scratch databases and the results file."""

from __future__ import annotations

import json
import os
import platform
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tandem_engagement.bootstrap import MIGRATIONS
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
