"""Processes, ports, tool runs and logs: what both servers need from the operating system."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from nativestack.config import (
    LOCK_FILE,
    LOG_ROTATE_BYTES,
    RUN,
    STOP_TIMEOUT,
    StackError,
    rel,
    say,
    up_command_hint,
)


def cmdline(pid: int) -> list[str]:
    """A process's arguments from /proc (empty when it is gone)."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [a.decode(errors="replace") for a in raw.split(b"\0") if a]


def alive(pid: int) -> bool:
    """Whether a process runs (a zombie does not count)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    with contextlib.suppress(OSError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        if stat.rsplit(")", 1)[1].split()[0] == "Z":
            return False
    return True


def all_pids() -> list[int]:
    """Every process id on the machine."""
    return [int(d) for d in os.listdir("/proc") if d.isdigit()]


def port_free(port: int) -> bool:
    """Whether 127.0.0.1:`port` can be bound."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))
        return True
    except OSError as exc:
        if exc.errno in (errno.EADDRINUSE, errno.EACCES):
            return False
        raise
    finally:
        s.close()


def require_free(port: int, what: str, var: str) -> None:
    """Fail with a one-line hint when a port is taken."""
    if not port_free(port):
        alt = port + 10000 if port + 10000 <= 65535 else port - 1000
        raise StackError(
            f"port {port} ({what}) is already in use; stop what holds it or choose another: "
            f"{var}={alt} {up_command_hint()}"
        )


def tcp_accepts(port: int, timeout: float = 1.0) -> bool:
    """Whether something accepts TCP connections on 127.0.0.1:`port`."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout):
            return True
    except OSError:
        return False


def run(cmd: list[str], *, check: bool = True, **kw: Any) -> subprocess.CompletedProcess[str]:
    """Run a tool; a failure is a StackError with the tool's last lines."""
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.STDOUT)
    kw.setdefault("text", True)
    kw.setdefault("env", clean_env())
    try:
        proc: subprocess.CompletedProcess[str] = subprocess.run(cmd, **kw)
    except FileNotFoundError as exc:
        raise StackError(f"cannot run {cmd[0]}: {exc.strerror}") from None
    if check and proc.returncode != 0:
        out = (proc.stdout or "").strip()
        raise StackError(
            f"{os.path.basename(cmd[0])} failed (exit {proc.returncode}): {' '.join(cmd[:6])}",
            "\n".join(out.splitlines()[-30:]),
        )
    return proc


def clean_env() -> dict[str, str]:
    """Our environment minus libpq/Kafka variables that could redirect the tools."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PG", "KAFKA_"))}
    env.setdefault("LC_ALL", "C.UTF-8")
    env["LANG"] = "C.UTF-8"
    return env


def rotate(log: Path) -> None:
    """Move a log aside once it grows past LOG_ROTATE_BYTES."""
    with contextlib.suppress(OSError):
        if log.stat().st_size > LOG_ROTATE_BYTES:
            log.replace(log.with_name(log.name + ".1"))


def tail(path: Path, n: int = 30, start: int = 0) -> str:
    """The last `n` lines of a log, from byte `start` on."""
    try:
        with path.open("rb") as f:
            f.seek(start)
            data = f.read()
    except OSError:
        return f"(no log at {rel(path)})"
    return "\n".join(data.decode(errors="replace").splitlines()[-n:])


def kill_group(pid: int, name: str, timeout: float = STOP_TIMEOUT) -> None:
    """SIGTERM the process (and its session group), SIGKILL after `timeout`."""

    def send(sig: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            try:
                if os.getpgid(pid) == pid:
                    os.killpg(pid, sig)
                    return
            except ProcessLookupError:
                return
            os.kill(pid, sig)

    send(signal.SIGTERM)
    end = time.monotonic() + timeout
    while time.monotonic() < end and alive(pid):
        time.sleep(0.2)
    if alive(pid):
        say(f"{name}: did not stop within {timeout:.0f}s, killing")
        send(signal.SIGKILL)
        end = time.monotonic() + 10
        while time.monotonic() < end and alive(pid):
            time.sleep(0.1)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


@contextlib.contextmanager
def stack_lock() -> Iterator[None]:
    """One stack.py run at a time per checkout."""
    RUN.mkdir(parents=True, exist_ok=True)
    with open(LOCK_FILE, "a+") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say("waiting for another stack.py run to finish ...")
            fcntl.flock(f, fcntl.LOCK_EX)
        yield


def wait_reaped(pids: list[int], timeout: float) -> None:
    """Give init a moment to reap exited daemons so no <defunct> entry lingers."""
    end = time.monotonic() + timeout
    while time.monotonic() < end and any(Path(f"/proc/{p}").exists() for p in pids):
        time.sleep(0.1)
