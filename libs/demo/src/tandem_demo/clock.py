"""Moving the services' clocks (the kit's TANDEM_CLOCK_OFFSET_DAYS; notifications' may be a
few hours ahead of engagement's).

At start-up a service reads the offset, which deploy/local/services.py passes on
(RestartedServices); once running, ``/dev/clock`` moves it in place (MovedClocks).
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Protocol

import httpx

OFFSET_VARIABLE = "TANDEM_CLOCK_OFFSET_DAYS"
CLOCKED_SERVICES = ("engagement", "notifications")
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
        self.mail_offset = timedelta(0)  # notifications' clock: may run ahead into the next day

    def today(self) -> date:
        """The simulated date (UTC)."""
        return (datetime.now(UTC) + timedelta(days=self.offset_days)).date()

    def mail_now(self) -> datetime:
        """Notifications' simulated instant (what its webhook signatures are dated by)."""
        return datetime.now(UTC) + self.mail_offset

    def move_to(self, offset_days: int) -> None:
        """Stop the clocked services and start them again with the new offset."""
        self.offset_days = offset_days
        self._restart(CLOCKED_SERVICES, timedelta(days=offset_days))

    def mail_later(self, hours: int) -> None:
        """Notifications alone ``hours`` after the story's time: mail waits for working hours."""
        self._restart(("notifications",), timedelta(days=self.offset_days, hours=hours))

    def _restart(self, names: tuple[str, ...], mail_offset: timedelta) -> None:
        for name in names:
            self._stop(name)
        # Only the services named restart, so each starts with the offset meant for it.
        os.environ[OFFSET_VARIABLE] = str(mail_offset / timedelta(days=1))
        os.environ.setdefault(KEK_VARIABLE, development_kek(self.root / ".local" / "dev-keys"))
        self.mail_offset = mail_offset
        started = subprocess.run(
            [_base_python(), str(self.root / "deploy/local/services.py"), "start"],
            cwd=self.root,
            capture_output=True,
            text=True,
            check=False,
        )
        if started.returncode != 0:
            raise RuntimeError(f"restarting {names} failed:\n{started.stderr}")

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


class MovedClocks(RestartedServices):
    """Moves the clocked services' clocks through their ``/dev/clock``, without a restart.

    Unless services.py started notifications with the demo's settings (its mail sink and
    webhook receiver), the first move restarts the clocked services to hand them over; every
    other move is a request each, which their other processes follow within a second (ADR 0025).
    """

    def __init__(self, root: Path, urls: dict[str, str], admin_token: str) -> None:
        super().__init__(root)
        self._urls, self._token = urls, admin_token
        self.settings: dict[str, str] | None = None  # the demo's, for notifications
        self._configured = False

    def started_with_settings(self) -> bool:
        """Whether the running notifications took the demo's settings (services.py says)."""
        path = self.root / ".local" / "run" / "notifications.settings.json"
        try:
            started = json.loads(path.read_text())
        except (OSError, ValueError):
            return False
        wanted = self.settings
        return wanted is not None and all(started.get(k) == v for k, v in wanted.items())

    def move_to(self, offset_days: int) -> None:
        """Set the clocked services' offset from real time."""
        if not self._configured:
            self._configured = True
            if not self.started_with_settings():
                super().move_to(offset_days)
                return
        self.offset_days = offset_days
        self._move(CLOCKED_SERVICES, timedelta(days=offset_days))

    def mail_later(self, hours: int) -> None:
        """Notifications alone ``hours`` after the story's time."""
        self._move(("notifications",), timedelta(days=self.offset_days, hours=hours))

    def _move(self, names: tuple[str, ...], offset: timedelta) -> None:
        for name in names:
            moved = httpx.post(
                f"{self._urls[name]}/dev/clock",
                json={"offset_days": offset / timedelta(days=1)},
                headers={"Authorization": f"Bearer {self._token}"},
                timeout=30,
            )
            if moved.status_code != 200:
                raise RuntimeError(f"moving {name}'s clock: {moved.status_code} {moved.text}")
        self.mail_offset = offset
