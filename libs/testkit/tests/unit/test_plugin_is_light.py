"""The pytest plugin loads for every test, unit tests included: it must not load the servers'
clients (psycopg, asyncpg, yoyo) or the web stack until a fixture needs them."""

from __future__ import annotations

import subprocess
import sys


def test_loading_the_plugin_loads_no_database_client_nor_web_stack() -> None:
    probe = (
        "import sys, tandem_testkit.plugin\n"
        "heavy = ('psycopg', 'asyncpg', 'yoyo', 'fastapi', 'tandem_service.database')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"
