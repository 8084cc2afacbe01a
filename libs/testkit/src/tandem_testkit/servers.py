"""Finding the Kafka broker and PostgreSQL server the tests run against."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Servers:
    """Where the test servers are, and how to let go of them at the end."""

    kafka_bootstrap: str
    admin_dsn: str
    origin: str
    stop: list[Callable[[], None]] = field(default_factory=list)

    def close(self) -> None:
        """Stop what this session started (containers); the native stack stays up for reuse."""
        for stop in reversed(self.stop):
            stop()


def repo_root() -> Path:
    """The repository root: the nearest parent holding ``deploy/local/stack.py``."""
    env = os.environ.get("TANDEM_REPO_ROOT")
    if env:
        return Path(env)
    for candidate in [Path.cwd(), *Path.cwd().parents, *Path(__file__).resolve().parents]:
        if (candidate / "deploy" / "local" / "stack.py").exists():
            return candidate
    raise RuntimeError("cannot find the repository root (deploy/local/stack.py)")


def locate_servers() -> Servers:
    """Pick, in order: servers named by the environment, testcontainers, the native stack."""
    kafka = os.environ.get("TANDEM_TEST_KAFKA_BOOTSTRAP")
    dsn = os.environ.get("TANDEM_TEST_DATABASE_URL")
    if kafka and dsn:
        return Servers(kafka, dsn, "environment")
    if _docker_answers():
        return _containers()
    return _native_stack()


def _docker_answers() -> bool:
    try:
        import docker

        docker.from_env(timeout=2).ping()
    except Exception:
        return False
    return True


def _containers() -> Servers:
    from testcontainers.kafka import KafkaContainer
    from testcontainers.postgres import PostgresContainer

    kafka = KafkaContainer().with_kraft()
    postgres = PostgresContainer(
        "postgres:15",
        username="tandem",
        password="tandem",  # noqa: S106 - throwaway container
    )
    kafka.start()
    postgres.start()
    dsn = postgres.get_connection_url(driver=None)
    return Servers(kafka.get_bootstrap_server(), dsn, "testcontainers", [kafka.stop, postgres.stop])


def _native_stack() -> Servers:
    root = repo_root()
    script = root / "deploy" / "local" / "stack.py"
    result = subprocess.run(
        [sys.executable, str(script), "up"], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"the native stack did not start:\n{result.stdout}{result.stderr}")
    values = read_stack_env(root / ".local" / "stack.env")
    return Servers(values["TANDEM_KAFKA_BOOTSTRAP"], values["TANDEM_DATABASE_URL_ADMIN"], "native")


def read_stack_env(path: Path) -> dict[str, str]:
    """Parse the KEY=VALUE lines that ``make up`` writes."""
    values: dict[str, str] = {}
    for line in path.read_text().splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip()
    return values
