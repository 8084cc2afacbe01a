#!/usr/bin/env python3
"""Start, stop and inspect the Tandem services on the local stack (stdlib only).

Which services, their ports and commands: the service registry (each `service.toml`).
A service's port moves with TANDEM_<NAME>_PORT.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from nativestack.registry import Service, services

ROOT = Path(__file__).resolve().parents[2]
LOCAL = ROOT / ".local"
SERVICES = {service.name: service for service in services(ROOT)}
_URL = re.compile(r"\{url:([a-z_]+)\}")  # in the registry's local_env values
SHOWN_SETTINGS = (
    "TANDEM_SMTP_PORT",
    "TANDEM_WEBHOOK_ALLOW_HTTP",
    "TANDEM_MATCHING_URL",
    "TANDEM_PUBLIC_URL",
    "TANDEM_CLOCK_OFFSET_DAYS",
)


def stack_env() -> dict[str, str]:
    path = LOCAL / "stack.env"
    if not path.exists():
        sys.exit("error: the stack is not up (no .local/stack.env); run: make up")
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return {k.strip(): v.strip() for k, v in pairs}


def pid_file(name: str) -> Path:
    return LOCAL / "run" / f"{name}.pid"


def running_pid(name: str) -> int | None:
    path = pid_file(name)
    if not path.exists():
        return None
    pid = int(path.read_text())
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        path.unlink()
        return None
    return pid


def port_of(service: Service) -> str:
    """The service's port: its registry entry's, unless TANDEM_<NAME>_PORT moves it."""
    return os.environ.get(service.port_variable, str(service.port))


def service_env(name: str, stack: dict[str, str]) -> dict[str, str]:
    env = dict(os.environ)
    port = port_of(SERVICES[name])
    env.update(
        TANDEM_ENV="development",
        TANDEM_HTTP_PORT=port,
        TANDEM_KAFKA_BOOTSTRAP=stack["TANDEM_KAFKA_BOOTSTRAP"],
        TANDEM_DATABASE_URL=stack[f"TANDEM_DATABASE_URL_{name.upper()}"],
        TANDEM_DEV_KEYS_DIR=str(LOCAL / "dev-keys"),
    )
    # The registry's local defaults (e.g. what the demo needs); the environment wins.
    for key, value in SERVICES[name].local_env:
        env.setdefault(
            key, _URL.sub(lambda m: f"http://127.0.0.1:{port_of(SERVICES[m[1]])}", value)
        )
    return env


def settings_file(name: str) -> Path:
    """The non-secret settings a running service was started with (the demo reads them)."""
    return LOCAL / "run" / f"{name}.settings.json"


def ready(port: str) -> tuple[bool, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=3) as response:
            return True, json.loads(response.read())["status"]
    except Exception as exc:
        return False, str(exc)


# One process migrates every service: the four would each import (and, the first time, compile)
# the same libraries, which costs more than the migrations.
MIGRATE = """
import json, sys
from importlib import import_module
from tandem_service.database import apply_migrations
for name, dsn in json.loads(sys.argv[1]).items():
    service = import_module(f"tandem_{name}.bootstrap").SERVICE
    print(f"{name}: {apply_migrations(dsn, service.all_migrations)} migration(s) applied")
"""
# --no-sync: run what `make setup` installed; a sync would add the test tools to the demo.
UV_RUN = [sys.executable, "-m", "uv", "run", "--frozen", "--no-sync"]


def migrate(names: list[str], stack: dict[str, str]) -> None:
    """Apply the pending migrations of the services ``names``."""
    dsns = {name: stack[f"TANDEM_DATABASE_URL_{name.upper()}"] for name in names}
    done = subprocess.run(
        [*UV_RUN, "python", "-c", MIGRATE, json.dumps(dsns)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"error: migrations failed:\n{done.stdout}{done.stderr}")


def launch(name: str, stack: dict[str, str]) -> None:
    """Start ``name`` in the background, its pid and its non-secret settings kept in .local/run."""
    env = service_env(name, stack)
    log = (LOCAL / "logs" / f"{name}.log").open("ab")
    process = subprocess.Popen(
        [*UV_RUN, SERVICES[name].cli, "serve"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    pid_file(name).write_text(str(process.pid))
    shown = {k: v for k, v in env.items() if k in SHOWN_SETTINGS}
    settings_file(name).write_text(json.dumps(shown, sort_keys=True))


def start() -> None:
    stack = stack_env()
    (LOCAL / "run").mkdir(parents=True, exist_ok=True)
    (LOCAL / "logs").mkdir(parents=True, exist_ok=True)
    for name in SERVICES:
        if running_pid(name):
            print(f"{name}: already running")
    starting = [name for name in SERVICES if not running_pid(name)]
    if starting:
        migrate(starting, stack)
    for name in starting:  # side by side: each start is mostly a process importing its code
        launch(name, stack)
    deadline = time.monotonic() + 180  # four imports at once on two busy cores
    waiting = {name: service_env(name, stack)["TANDEM_HTTP_PORT"] for name in SERVICES}
    while waiting:
        for name, port in list(waiting.items()):
            if ready(port)[0]:
                del waiting[name]
                where = f"http://127.0.0.1:{port}"
                print(f"{name:14} ready  {where}  (API docs: /docs, metrics: /metrics)")
            elif time.monotonic() > deadline or running_pid(name) is None:
                tail = (LOCAL / "logs" / f"{name}.log").read_text().splitlines()[-20:]
                sys.exit(f"error: {name} did not become ready; log tail:\n" + "\n".join(tail))
        time.sleep(0.2)
    print(
        "\na token for the APIs:  "
        "uv run --no-sync tandem dev-token --role program_admin --sub admin-1"
        "\nlogs: .local/logs/   stop everything: make down"
    )


def stop() -> None:
    for name in SERVICES:
        pid = running_pid(name)
        if pid is None:
            continue
        os.killpg(pid, signal.SIGTERM)
        for _ in range(100):
            if running_pid(name) is None:
                break
            time.sleep(0.1)
        else:
            os.killpg(pid, signal.SIGKILL)
        pid_file(name).unlink(missing_ok=True)
        settings_file(name).unlink(missing_ok=True)
        print(f"{name}: stopped")


def status() -> int:
    code = 0
    for name, service in SERVICES.items():
        pid = running_pid(name)
        port = port_of(service)
        state = f"running pid {pid} port {port} ({ready(port)[1]})" if pid else "stopped"
        code = code if pid else 3
        print(f"{name:14} {state}")
    return code


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "status"
    if command == "start":
        start()
    elif command == "stop":
        stop()
    elif command == "status":
        sys.exit(status())
    else:
        sys.exit("usage: services.py start|stop|status")
