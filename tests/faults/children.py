"""Child processes that a test can crash with SIGKILL, as a real outage would."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


class Child:
    """One of the scripts next to this module, run by this interpreter, output kept in a file."""

    def __init__(self, script: str, args: list[str], log: Path) -> None:
        self._cmd = [sys.executable, str(HERE / script), *args]
        self._log = log
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Launch (again)."""
        with self._log.open("ab") as out:
            self._proc = subprocess.Popen(
                self._cmd,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )

    @property
    def alive(self) -> bool:
        """Whether the process runs."""
        return self._proc is not None and self._proc.poll() is None

    def kill(self) -> None:
        """SIGKILL: no finally blocks, no flush, no goodbye to Kafka or PostgreSQL."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.send_signal(signal.SIGKILL)
            self._proc.wait(10)

    def pause(self) -> None:
        """SIGSTOP: freeze the process wherever it is, to look at what it left behind."""
        if self._proc is not None:
            self._proc.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        """SIGCONT after :meth:`pause`."""
        if self._proc is not None:
            self._proc.send_signal(signal.SIGCONT)

    def output(self) -> str:
        """What the child printed (for failure messages)."""
        return self._log.read_text(errors="replace")[-4000:] if self._log.exists() else ""
