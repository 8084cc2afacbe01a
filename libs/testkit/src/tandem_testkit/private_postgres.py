"""A private PostgreSQL cluster that one test may SIGKILL and restart on the same data folder.

The shared server of the test session must never be disturbed, so the fault drill runs its
own from Debian's binaries (as ``deploy/local/nativestack`` does): a free port, a folder of
its own, trust on loopback. PostgreSQL refuses to run as root, so when we are root it runs
as the ``postgres`` (or ``tandem``) user, and its folder lives outside pytest's 0700 tmp dirs.
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import psycopg

from tandem_testkit.private_kafka import free_port

SUPERUSER = "tandem"
START_TIMEOUT = 60.0


def postgres_bindir() -> Path | None:
    """Where Debian keeps initdb and postgres (the newest version), if installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    return Path(found[-1]).parent if found else None


def _version(initdb: str) -> int:
    return int(Path(initdb).parts[-3]) if Path(initdb).parts[-3].isdigit() else 0


class PrivatePostgres:
    """One cluster under a fresh folder; start it, kill it (all processes), restart it."""

    def __init__(self, bindir: Path | None = None) -> None:
        found = bindir or postgres_bindir()
        if found is None:
            raise RuntimeError("no PostgreSQL binaries under /usr/lib/postgresql")
        self.bindir = found
        self.user = _run_as()
        self.home = Path(tempfile.mkdtemp(prefix="tandem-private-pg-"))
        self.data = self.home / "data"
        self.log = self.home / "postgres.log"
        self.port = free_port()
        self._proc: subprocess.Popen[bytes] | None = None
        atexit.register(self.remove)  # never leave a cluster behind if the test run dies

    @property
    def dsn(self) -> str:
        """The superuser's DSN on the ``postgres`` database (the same across restarts)."""
        return f"postgresql://{SUPERUSER}:{SUPERUSER}@127.0.0.1:{self.port}/postgres"

    @property
    def running(self) -> bool:
        """Whether the postmaster is alive."""
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> None:
        """initdb on first use, then launch and wait until it accepts connections."""
        if not (self.data / "PG_VERSION").exists():
            self._initdb()
        self._launch()

    def kill(self) -> None:
        """SIGKILL the postmaster and every backend at once: a crash, then crash recovery."""
        proc = self._proc
        if proc is None or proc.poll() is not None:
            return
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)

    def restart(self) -> None:
        """Start again on the same port and data (after ``kill``)."""
        if self.running:
            raise RuntimeError("the private PostgreSQL is still running")
        self._launch()

    def remove(self) -> None:
        """Kill the cluster and delete its folder."""
        self.kill()
        shutil.rmtree(self.home, ignore_errors=True)

    def _initdb(self) -> None:
        if self.user is not None:
            os.chown(self.home, self.user.pw_uid, self.user.pw_gid)
        initdb = [str(self.bindir / "initdb"), "-D", str(self.data), "-U", SUPERUSER, "-E", "UTF8"]
        subprocess.run(
            [*initdb, "--locale=C", "--auth-local=trust", "--auth-host=trust", "--no-sync"],
            check=True,
            capture_output=True,
            **self._as_owner(),
        )

    def _launch(self) -> None:
        # fsync off: a killed process loses nothing the kernel already has; only a machine
        # crash would, and the drill kills processes, not the machine.
        settings = {
            "listen_addresses": "127.0.0.1",
            "port": str(self.port),
            "unix_socket_directories": str(self.home),
            "max_connections": "200",
            "fsync": "off",
            "timezone": "UTC",
        }
        options = [arg for k, v in settings.items() for arg in ("-c", f"{k}={v}")]
        with self.log.open("ab") as out:
            self._proc = subprocess.Popen(
                [str(self.bindir / "postgres"), "-D", str(self.data), *options],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own group: kill() takes every backend with it
                **self._as_owner(),
            )
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if not self.running:
                raise RuntimeError(
                    f"the private PostgreSQL exited:\n{self.log.read_text()[-3000:]}"
                )
            try:
                with psycopg.connect(self.dsn, connect_timeout=2):
                    return
            except psycopg.OperationalError:
                time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"the private PostgreSQL did not start in {START_TIMEOUT}s")

    def _as_owner(self) -> dict[str, Any]:
        if self.user is None:
            return {}
        return {"user": self.user.pw_uid, "group": self.user.pw_gid, "extra_groups": []}


def _run_as() -> pwd.struct_passwd | None:
    """PostgreSQL will not run as root: then it runs as ``postgres`` (or ``tandem``)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "tandem"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError("running as root and no 'postgres' or 'tandem' user to run PostgreSQL")
