"""Every service's ``--help`` starts without the web application.

Matching's ``solve-graph`` is checked the same way in its own unit tests (test_small_graph.py).
"""

from __future__ import annotations

import json
import subprocess
import sys

SERVICES = ("matching", "engagement", "notifications", "analytics")
WEB = ("fastapi", "starlette", "uvicorn", "asyncpg", "aiokafka", "opentelemetry")
# One interpreter for the four commands: starting typer and rich four times cost more than the
# rest of the check. Each command is judged by the modules it added; a web module stays loaded,
# so a failing command can hide the same module in a later one until it is fixed.
PROBE = """
import importlib, json, sys
loaded = {}
for service in %(services)r:
    before = {m.split(".")[0] for m in sys.modules}
    sys.argv = [f"tandem-{service}", "--help"]
    try:
        importlib.import_module(f"tandem_{service}.cli").app()
    except SystemExit:
        pass
    added = {m.split(".")[0] for m in sys.modules} - before
    loaded[service] = sorted(added & set(%(web)r))
print(json.dumps(loaded), file=sys.stderr)
"""


def test_help_loads_no_web_application() -> None:
    code = PROBE % {"services": SERVICES, "web": WEB}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert json.loads(done.stderr.splitlines()[-1]) == {service: [] for service in SERVICES}
