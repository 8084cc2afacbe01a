"""Every service's ``--help`` and matching's ``solve-graph`` start without the web application."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

WEB = ("fastapi", "starlette", "uvicorn", "asyncpg", "aiokafka", "opentelemetry")
PROBE = """
import sys
sys.argv = {argv!r}
from {module} import {entry}
try:
    {entry}()
except SystemExit:
    pass
loaded = sorted({{m.split(".")[0] for m in sys.modules}} & set({web!r}))
print("LOADED", ",".join(loaded), file=sys.stderr)
"""


def _loaded(module: str, entry: str, argv: list[str]) -> list[str]:
    code = PROBE.format(argv=argv, module=module, entry=entry, web=WEB)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    line = next(x for x in done.stderr.splitlines() if x.startswith("LOADED"))
    return [m for m in line.removeprefix("LOADED ").split(",") if m]


@pytest.mark.parametrize("service", ["matching", "engagement", "notifications", "analytics"])
def test_help_loads_no_web_application(service: str) -> None:
    assert _loaded(f"tandem_{service}.cli", "app", [f"tandem-{service}", "--help"]) == []


def test_solve_graph_loads_neither_the_web_application_nor_typer(tmp_path: Path) -> None:
    graph = tmp_path / "g.json"
    graph.write_text(json.dumps({"nodes": ["a", "b"], "edges": [["a", "b", 1]]}))
    argv = ["tandem-matching", "solve-graph", str(graph)]
    assert _loaded("tandem_matching.entry", "main", argv) == []
    code = PROBE.format(argv=argv, module="tandem_matching.entry", entry="main", web=("typer",))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "LOADED \n" in done.stderr + "\n"
    assert json.loads(done.stdout)["pairs"] == [["a", "b"]]
