"""The event-backbone benchmarks run end to end (``bench/events/run.py --quick``).

A smoke run on the real servers: every figure comes out positive and nothing is recorded
(bench/results and docs/performance.md are only written by full runs).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
KEYS = (
    "append_eps",
    "eventsourcing_append_eps",
    "append_ratio",
    "append_eps_8",
    "eventsourcing_append_eps_8",
    "append_ratio_8",
    "relay_eps",
    "projection_eps",
)


def test_the_quick_benchmark_run_produces_every_figure(
    tmp_path: Path, kafka_bootstrap: str, postgres_dsn: str
) -> None:
    out = tmp_path / "events.json"
    results = ROOT / "bench" / "results" / "events.json"
    before = results.read_bytes() if results.exists() else None
    env = {
        **os.environ,
        "TANDEM_KAFKA_BOOTSTRAP": kafka_bootstrap,
        "TANDEM_DATABASE_URL_ADMIN": postgres_dsn,
        "OTEL_SDK_DISABLED": "true",
    }
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "events" / "run.py"), "--quick", "--json", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    figures = json.loads(out.read_text())
    for key in KEYS:
        assert figures[key] > 0, key
    after = results.read_bytes() if results.exists() else None
    assert after == before, "a quick run must not record figures"
