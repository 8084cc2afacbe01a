"""docker-compose.yml's PostgreSQL init script, run as the image runs it, on a fresh cluster."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import yaml
from analyst_checks import (
    analytics_database,
    assert_databases_and_roles,
    assert_nothing_granted_inside,
    socket_dsn,
)
from nativestack.pg_install import as_pg, chown_tree, ensure_traversable, pg_bindir, pg_user

from tandem_testkit.servers import repo_root
from tandem_testkit.uvicorn_server import free_port


@pytest.fixture
def fresh_cluster() -> Iterator[tuple[Path, int]]:
    """An empty PostgreSQL (superuser `postgres`, trust over its socket), as the image starts."""
    bindir = pg_bindir()
    assert bindir is not None, "PostgreSQL is installed by `make setup`"
    user = pg_user()
    # Under the repository's .local (not /tmp): the PostgreSQL user must be able to reach it.
    root = repo_root() / ".local" / f"init-{uuid.uuid4().hex[:8]}"
    data, sockdir = root / "data", root / "s"
    sockdir.mkdir(parents=True)
    (root / "log").touch()  # pg_ctl -l: the server's output, which must not hold our pipes
    chown_tree(root, user)
    ensure_traversable(data, user)
    run = {"check": True, "capture_output": True, "cwd": root}
    subprocess.run(as_pg([str(bindir / "initdb"), "-D", str(data), "-U", "postgres"], user), **run)
    port = free_port()
    options = f"-p {port} -k {sockdir} -c listen_addresses=''"
    pg_ctl = [str(bindir / "pg_ctl"), "-D", str(data)]
    subprocess.run(
        as_pg([*pg_ctl, "-l", str(root / "log"), "-w", "-o", options, "start"], user),
        **run,
        start_new_session=True,
    )
    try:
        yield sockdir, port
    finally:
        subprocess.run(
            as_pg([*pg_ctl, "-m", "immediate", "stop"], user),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


def compose_postgres_env() -> dict[str, str]:
    """The postgres container's environment as docker-compose.yml gives it, defaults applied."""
    compose = yaml.safe_load((repo_root() / "docker-compose.yml").read_text())
    env = compose["services"]["postgres"]["environment"]
    return {k: re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", str(v)) for k, v in env.items()}


def test_the_init_script_creates_what_the_registry_declares(
    fresh_cluster: tuple[Path, int],
) -> None:
    sockdir, port = fresh_cluster
    env = {**os.environ, **compose_postgres_env(), "PGHOST": str(sockdir), "PGPORT": str(port)}
    script = repo_root() / "deploy" / "compose" / "postgres-init.sh"
    result = subprocess.run(["bash", str(script)], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    with psycopg.connect(socket_dsn(sockdir, port, "postgres")) as admin:
        assert_databases_and_roles(admin)
    with psycopg.connect(socket_dsn(sockdir, port, analytics_database())) as analytics:
        assert_nothing_granted_inside(analytics)
