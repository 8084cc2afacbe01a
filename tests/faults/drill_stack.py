"""The four services as real OS processes on a private PostgreSQL and broker, for the drill.

Each service with an outbox runs as two processes, as separate deployments would: an API
(relay, consumers, sweeps and dispatch off) and a worker (relay, consumers, sweeps, dispatch;
"the relay" of the drill). Analytics publishes nothing and runs as one process.
"""

from __future__ import annotations

import asyncio
import base64
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import aiohttp

from tandem_analytics.bootstrap import SERVICE as ANALYTICS
from tandem_engagement.bootstrap import SERVICE as ENGAGEMENT
from tandem_matching.bootstrap import SERVICE as MATCHING
from tandem_notifications.bootstrap import SERVICE as NOTIFICATIONS
from tandem_testkit.private_kafka import free_port

DEFINITIONS = (MATCHING, ENGAGEMENT, NOTIFICATIONS, ANALYTICS)
PUBLISHERS = ("matching", "engagement", "notifications")
PSEUDONYM_KEY = "drill-pseudonym-key-0123456789abcdef"
API_ONLY = {
    "TANDEM_RELAY_ENABLED": "false",
    "TANDEM_CONSUMERS_ENABLED": "false",
    "TANDEM_SWEEPS_ENABLED": "false",
    "TANDEM_DISPATCH_ENABLED": "false",
}


class ServiceProcess:
    """``tandem-<service> serve`` with its own port and log; start, SIGKILL, start again."""

    def __init__(self, service: str, env: dict[str, str], log: Path) -> None:
        self.service = service
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._cmd = [str(Path(sys.executable).parent / f"tandem-{service}"), "serve"]
        self.env = {**env, "TANDEM_HTTP_PORT": str(self.port)}
        self._log = log
        self._proc: subprocess.Popen[bytes] | None = None
        self.last_health = ""

    def start(self) -> None:
        """Launch (again)."""
        with self._log.open("ab") as out:
            self._proc = subprocess.Popen(
                self._cmd,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self) -> None:
        """SIGKILL the process and anything it started: no shutdown hook runs."""
        if self._proc is not None and self._proc.poll() is None:
            os.killpg(self._proc.pid, signal.SIGKILL)
            self._proc.wait(10)

    def stop(self) -> None:
        """SIGTERM at the end of the drill (SIGKILL if it lingers)."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    async def healthy(self, http: aiohttp.ClientSession) -> bool:
        """Whether it runs and answers ``/health``; raises if it exited on its own."""
        if self._proc is None or self._proc.poll() is not None:
            raise AssertionError(f"{self.service} exited:\n{self.output()}")
        try:
            async with http.get(f"{self.url}/health", timeout=aiohttp.ClientTimeout(5)) as answer:
                self.last_health = str(answer.status)
                return answer.status == 200
        except (aiohttp.ClientError, TimeoutError) as exc:
            self.last_health = repr(exc)
            return False

    def state(self) -> str:
        """Its scheduler state and CPU seconds so far (why it may not answer)."""
        if self._proc is None or self._proc.poll() is not None:
            return "not running"
        fields = Path(f"/proc/{self._proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return f"state {fields[0]}, {cpu:.1f} s CPU, /health {self.last_health}"

    def output(self) -> str:
        """The end of what it printed (for failure messages)."""
        return self._log.read_text(errors="replace")[-3000:] if self._log.exists() else ""


def processes(
    dsn: dict[str, str], kafka: str, keys: Path, logs: Path, smtp_port: int
) -> dict[str, ServiceProcess]:
    """The drill's seven processes by name: ``<service>`` serves the API, ``<service>-worker``
    relays, consumes and sweeps."""
    common = {
        **os.environ,
        "TANDEM_ENV": "test",
        "TANDEM_KAFKA_BOOTSTRAP": kafka,
        "TANDEM_TOPIC_PREFIX": f"test.drill-{uuid.uuid4().hex[:8]}.",
        "TANDEM_DEV_KEYS_DIR": str(keys),
        "TANDEM_LOG_LEVEL": "WARNING",
        "TANDEM_DATABASE_POOL_MAX": "6",
        "TANDEM_KEY_ENCRYPTION_KEY": base64.b64encode(os.urandom(32)).decode(),
        "TANDEM_PSEUDONYM_KEY": PSEUDONYM_KEY,
        "TANDEM_LIVE_TILES": "false",
        "TANDEM_VIEW_REFRESH_SECONDS": "0",
        "TANDEM_SMTP_PORT": str(smtp_port),
        "TANDEM_WEBHOOK_ALLOW_HTTP": "true",
        "TANDEM_LEASE_SECONDS": "5",
        "TANDEM_RETRY_BASE_SECONDS": "1",
        "TANDEM_SWEEP_INTERVAL_SECONDS": "5",
    }
    found: dict[str, ServiceProcess] = {}
    for d in DEFINITIONS:
        env = {**common, "TANDEM_DATABASE_URL": dsn[d.name]}
        if d.name in PUBLISHERS:
            found[d.name] = ServiceProcess(d.name, {**env, **API_ONLY}, logs / f"{d.name}.log")
            found[f"{d.name}-worker"] = ServiceProcess(d.name, env, logs / f"{d.name}-worker.log")
        else:
            found[d.name] = ServiceProcess(d.name, env, logs / f"{d.name}.log")
    matching_url = found["matching"].url
    for name in ("notifications", "notifications-worker"):
        found[name].env["TANDEM_MATCHING_URL"] = matching_url
    return found


def topic_prefix(running: dict[str, ServiceProcess]) -> str:
    """The topic prefix all the processes share."""
    return running["matching"].env["TANDEM_TOPIC_PREFIX"]


async def all_healthy(running: dict[str, ServiceProcess], seconds: float = 90) -> None:
    """Until every process answers ``/health``."""
    async with aiohttp.ClientSession() as http, asyncio.timeout(seconds):
        for process in running.values():
            while not await process.healthy(http):
                await asyncio.sleep(0.2)
