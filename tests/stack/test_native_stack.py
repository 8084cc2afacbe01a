"""The native stack's promises: idempotent up, a clean down, a one-line error on a taken port.

It runs a second, private stack from a scratch copy of deploy/local on free ports, so the
stack the rest of the suite uses is not disturbed.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from analyst_checks import assert_databases_and_roles, assert_nothing_granted_inside

from tandem_testkit.servers import read_stack_env, repo_root
from tandem_testkit.uvicorn_server import free_port


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    root = repo_root()
    # Under the repository's .local (not /tmp): the PostgreSQL user must be able to reach it.
    scratch = root / ".local" / f"scratch-{uuid.uuid4().hex[:8]}"
    shutil.copytree(root / "deploy" / "local", scratch / "deploy" / "local")
    # The stack creates a database per service that the registry declares.
    (scratch / "services").symlink_to(root / "services")
    (scratch / ".local" / "kafka").mkdir(parents=True)
    (scratch / ".local" / "kafka" / "libs").symlink_to(root / ".local" / "kafka" / "libs")
    yield scratch
    stack(scratch, "down", env={})
    shutil.rmtree(scratch, ignore_errors=True)


def stack(where: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(where / "deploy" / "local" / "stack.py"), *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def processes_of(where: Path) -> list[str]:
    listing = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True, check=True)
    return [line for line in listing.stdout.splitlines() if str(where) in line]


def test_a_taken_port_is_a_one_line_error(scratch: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        taken = holder.getsockname()[1]
        result = stack(
            scratch,
            "up",
            env={
                "TANDEM_KAFKA_PORT": str(taken),
                "TANDEM_KAFKA_CONTROLLER_PORT": str(free_port()),
                "TANDEM_PG_PORT": str(free_port()),
            },
        )
    assert result.returncode == 1
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    error = [line for line in lines if line.startswith("error:")]
    assert len(error) == 1, lines
    assert f"port {taken} (Kafka) is already in use" in error[0]
    assert "TANDEM_KAFKA_PORT=" in error[0]
    assert "Traceback" not in result.stderr
    assert processes_of(scratch) == []


def test_up_is_idempotent_and_down_leaves_nothing_behind(scratch: Path) -> None:
    ports = {
        "TANDEM_KAFKA_PORT": str(free_port()),
        "TANDEM_KAFKA_CONTROLLER_PORT": str(free_port()),
        "TANDEM_PG_PORT": str(free_port()),
    }
    first = stack(scratch, "up", env=ports)
    assert first.returncode == 0, first.stdout + first.stderr
    env_file = scratch / ".local" / "stack.env"
    values = read_stack_env(env_file)
    assert values["TANDEM_KAFKA_BOOTSTRAP"] == f"127.0.0.1:{ports['TANDEM_KAFKA_PORT']}"
    assert f":{ports['TANDEM_PG_PORT']}/tandem_analytics" in values["TANDEM_DATABASE_URL_ANALYST"]
    running = sorted(processes_of(scratch))
    assert running, "the stack's processes run from the scratch directory"
    before = env_file.stat().st_mtime_ns

    second = stack(scratch, "up", env=ports)
    assert second.returncode == 0
    assert "nothing changed" in second.stdout
    assert env_file.stat().st_mtime_ns == before
    assert sorted(processes_of(scratch)) == running
    assert stack(scratch, "status", env=ports).returncode == 0

    with psycopg.connect(values["TANDEM_DATABASE_URL_ADMIN"]) as admin:
        assert_databases_and_roles(admin)
    with psycopg.connect(values["TANDEM_DATABASE_URL_ANALYST"]) as analyst:
        assert_nothing_granted_inside(analyst)

    # A checkout whose .local/kafka links to this one's shares the data directory: it must see
    # this broker as its own rather than start a second one (that corrupts the metadata log).
    linked = scratch / ".local" / "linked"
    shutil.copytree(scratch / "deploy" / "local", linked / "deploy" / "local")
    (linked / ".local").mkdir()
    (linked / ".local" / "kafka").symlink_to(scratch / ".local" / "kafka")
    seen = stack(linked, "status", env=ports)
    assert "kafka     running" in seen.stdout, seen.stdout + seen.stderr

    down = stack(scratch, "down", env=ports)
    assert down.returncode == 0, down.stdout + down.stderr
    assert processes_of(scratch) == []
    assert stack(scratch, "status", env=ports).returncode == 3
