"""Where the stack lives, which ports it takes, and how it reports an expected failure."""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

from nativestack import registry

HERE = Path(__file__).resolve().parents[1]  # deploy/local
ROOT = HERE.parents[1]
POM = HERE / "pom.xml"
LOCAL = ROOT / ".local"
LOGS = LOCAL / "logs"
RUN = LOCAL / "run"
ENV_FILE = LOCAL / "stack.env"
LOCK_FILE = RUN / "stack.lock"

KAFKA = LOCAL / "kafka"
KAFKA_LIBS = KAFKA / "libs"
KAFKA_STAMP = KAFKA_LIBS / ".pom-sha256"
KAFKA_DATA = KAFKA / "data"
KAFKA_CONF = KAFKA / "config"
KAFKA_PROPS = KAFKA_CONF / "server.properties"
KAFKA_LOG4J = KAFKA_CONF / "log4j.properties"
KAFKA_CLUSTER_ID = KAFKA / "cluster-id"
KAFKA_PID = RUN / "kafka.pid"
KAFKA_LOG = LOGS / "kafka.log"

PG = LOCAL / "pg"
PG_DATA = PG / "data"
PG_RUN = PG / "run"
PG_LOG = LOGS / "postgres.log"
PG_SUPERUSER = "postgres"  # bootstrap superuser name given to initdb (-U)

ANALYST = "tandem_analyst"
ADMIN = "tandem"

KAFKA_HEAP = ("-Xmx512m", "-Xms256m")
START_TIMEOUT = 90.0
STOP_TIMEOUT = 30.0
LOG_ROTATE_BYTES = 20 * 1024 * 1024


class StackError(Exception):
    """An expected failure: printed as one line (plus optional detail), exit 1."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail


def say(msg: str) -> None:
    """Print a progress line at once (the output is often piped)."""
    print(msg, flush=True)


def rel(p: Path) -> str:
    """A path as the user would type it from the repository root."""
    try:
        return str(p.relative_to(ROOT))
    except ValueError:
        return str(p)


def services() -> list[registry.Service]:
    """The declared services; a broken declaration is a one-line error."""
    try:
        return registry.services(ROOT)
    except (registry.RegistryError, OSError, ValueError) as exc:
        raise StackError(str(exc)) from None


def _port(var: str, default: int) -> int:
    raw = os.environ.get(var, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= 65535:
        raise StackError(f"{var}={raw!r} is not a valid port number (1-65535)")
    return int(raw)


class Ports:
    """The stack's ports from the environment, checked once."""

    def __init__(self) -> None:
        self.kafka = _port("TANDEM_KAFKA_PORT", 9092)
        self.controller = _port("TANDEM_KAFKA_CONTROLLER_PORT", 9093)
        self.pg = _port("TANDEM_PG_PORT", 5432)
        if len({self.kafka, self.controller, self.pg}) != 3:
            raise StackError(
                f"ports must differ: TANDEM_KAFKA_PORT={self.kafka} "
                f"TANDEM_KAFKA_CONTROLLER_PORT={self.controller} TANDEM_PG_PORT={self.pg}"
            )


def env_content(kafka_port: int, pg_port: int) -> str:
    """The lines of .local/stack.env: Kafka, one database URL per service, admin, analyst."""
    lines = [
        "# Written by deploy/local/stack.py up -- the native local stack.",
        "# KEY=VALUE lines: `set -a; . .local/stack.env; set +a` or `include .local/stack.env`.",
        f"TANDEM_KAFKA_BOOTSTRAP=127.0.0.1:{kafka_port}",
    ]
    declared = services()
    for svc in declared:
        db = svc.database  # the local stack's convention: role = database = password
        lines.append(
            f"TANDEM_DATABASE_URL_{svc.name.upper()}=postgresql://{db}:{db}@127.0.0.1:{pg_port}/{db}"
        )
    lines.append(
        f"TANDEM_DATABASE_URL_ADMIN=postgresql://{ADMIN}:{ADMIN}@127.0.0.1:{pg_port}/postgres"
    )
    for svc in declared:
        if svc.analyst_reads:
            lines.append(
                f"TANDEM_DATABASE_URL_ANALYST=postgresql://{ANALYST}:{ANALYST}"
                f"@127.0.0.1:{pg_port}/{svc.database}"
            )
    return "\n".join(lines) + "\n"


def up_command_hint() -> str:
    """How this checkout starts the stack (`make up` where the Makefile has it)."""
    makefile = ROOT / "Makefile"
    with contextlib.suppress(OSError):
        if re.search(r"^up\s*:", makefile.read_text(), re.M):
            return "make up"
    return "python3 deploy/local/stack.py up"
