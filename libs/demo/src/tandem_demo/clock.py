"""Moving the services' clocks: today only engagement has one (TANDEM_CLOCK_OFFSET_DAYS).

The offset is read at start-up, so moving it restarts engagement through
deploy/local/services.py, which passes the environment on to the services.
"""

from __future__ import annotations

import base64
import os
import secrets
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Protocol

OFFSET_VARIABLE = "TANDEM_CLOCK_OFFSET_DAYS"
CLOCKED_SERVICES = ("engagement",)
KEK_VARIABLE = "TANDEM_KEY_ENCRYPTION_KEY"


def development_kek(keys_dir: Path) -> str:
    """A key-encryption key kept beside the dev signing key (sealed texts outlive a restart)."""
    path = keys_dir / "key-encryption-key"
    if not path.exists():
        keys_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(base64.b64encode(secrets.token_bytes(32)).decode())
        path.chmod(0o600)
    return path.read_text().strip()


def _base_python() -> str:
    """The interpreter outside the virtualenv: services.py runs `python -m uv`, installed there."""
    return str(Path(sys.base_prefix) / "bin" / "python3")


class SimulatedClock(Protocol):
    """What the story needs from a clock: the simulated date and a way to move it."""

    offset_days: int

    def move_to(self, offset_days: int) -> None:
        """Set every clocked service's offset from real time."""

    def today(self) -> date:
        """The simulated date (UTC)."""


class RestartedServices:
    """Moves the clocks of services started by deploy/local/services.py by restarting them."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.offset_days = 0

    def today(self) -> date:
        """The simulated date (UTC)."""
        return (datetime.now(UTC) + timedelta(days=self.offset_days)).date()

    def move_to(self, offset_days: int) -> None:
        """Stop the clocked services and start them again with the new offset."""
        for name in CLOCKED_SERVICES:
            self._stop(name)
        os.environ[OFFSET_VARIABLE] = str(offset_days)
        os.environ.setdefault(KEK_VARIABLE, development_kek(self.root / ".local" / "dev-keys"))
        started = subprocess.run(
            [_base_python(), str(self.root / "deploy/local/services.py"), "start"],
            cwd=self.root,
            capture_output=True,
            text=True,
            check=False,
        )
        if started.returncode != 0:
            raise RuntimeError(f"restarting {CLOCKED_SERVICES} failed:\n{started.stderr}")
        self.offset_days = offset_days

    def _stop(self, name: str) -> None:
        pid_file = self.root / ".local" / "run" / f"{name}.pid"
        if not pid_file.exists():
            return
        pid = int(pid_file.read_text())
        try:
            os.killpg(pid, signal.SIGTERM)
        except ProcessLookupError:
            pid_file.unlink(missing_ok=True)
            return
        for _ in range(150):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        else:
            os.killpg(pid, signal.SIGKILL)
        pid_file.unlink(missing_ok=True)
