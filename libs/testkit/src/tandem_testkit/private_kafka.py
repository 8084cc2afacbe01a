"""A private, single-node Kafka broker (KRaft) that one test may stop, kill and restart.

The shared broker of the test session must never be disturbed, so fault tests that take
the broker away start their own from the same jars as ``deploy/local/stack.py``: own free
ports, own data folder, small heap. ``restart()`` reuses ports and data, so clients that
keep the bootstrap address see the same broker come back with its log intact.
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import os
import shutil
import signal
import socket
import struct
import subprocess
import time
import uuid
from pathlib import Path

from tandem_testkit.servers import repo_root

HEAP = ("-Xmx384m", "-Xms128m")
# C1 only and the serial collector: a test broker moves little data, and the JVM starts
# noticeably faster on a 2-core machine without C2 compiling in the background.
JVM_FLAGS = (
    "-XX:TieredStopAtLevel=1",
    "-XX:+UseSerialGC",
    "-XX:+ExitOnOutOfMemoryError",
    "-Djava.awt.headless=true",
)
START_TIMEOUT = 60.0
STARTED = b"Kafka Server started"


def free_port() -> int:
    """A TCP port nobody listens on right now (the kernel's choice)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def answers(port: int, timeout: float = 2.0) -> bool:
    """True when a Kafka broker on ``port`` answers an ApiVersions v0 request."""
    body = struct.pack(">hhih", 18, 0, 0x7A4D, 6) + b"tandem"
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.settimeout(timeout)
            s.sendall(struct.pack(">i", len(body)) + body)
            size = struct.unpack(">i", _recv(s, 4))[0]
            correlation, error = struct.unpack(">ih", _recv(s, size)[:6])
    except (OSError, struct.error):
        return False
    return bool(correlation == 0x7A4D and error == 0)


def _recv(s: socket.socket, n: int) -> bytes:
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise OSError("connection closed")
        buf += chunk
    return buf


class PrivateKafka:
    """One broker+controller process under ``home``; start, stop/kill and restart it."""

    def __init__(self, home: Path, libs: Path | None = None, java: str | None = None) -> None:
        self.home = home
        self.libs = libs or repo_root() / ".local" / "kafka" / "libs"
        self.java = java or _java()
        self.port = free_port()
        self.controller_port = free_port()
        self.data = home / "data"
        self.log = home / "kafka.log"
        self._props = home / "server.properties"
        self._log4j = home / "log4j.properties"
        self._proc: subprocess.Popen[bytes] | None = None
        atexit.register(self.kill)  # never leave a broker behind if the test run dies

    @property
    def bootstrap(self) -> str:
        """The address clients connect to; it stays the same across restarts."""
        return f"127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        """Whether the broker process is alive."""
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> None:
        """Configure and format on first use, then launch and wait until it serves."""
        if not any(self.libs.glob("kafka_2.13-*.jar")):
            raise RuntimeError(f"no Kafka jars in {self.libs}: run deploy/local/stack.py install")
        if not (self.data / "meta.properties").exists():
            self._configure()
            self._format()
        self._launch()

    def restart(self) -> None:
        """Start again on the same ports and data (after ``stop`` or ``kill``)."""
        if self.running:
            raise RuntimeError("the private broker is still running")
        self._launch()

    def stop(self, timeout: float = 20.0) -> None:
        """Controlled shutdown (SIGTERM), escalating to SIGKILL after ``timeout``."""
        self._signal(signal.SIGTERM, timeout)

    def kill(self) -> None:
        """Crash the broker (SIGKILL): no flush, no controlled shutdown."""
        self._signal(signal.SIGKILL, 10.0)

    def remove(self) -> None:
        """Kill the broker and delete its folder."""
        self.kill()
        shutil.rmtree(self.home, ignore_errors=True)

    def _signal(self, sig: int, timeout: float) -> None:
        proc = self._proc
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(sig)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)

    def _configure(self) -> None:
        self.data.mkdir(parents=True, exist_ok=True)
        port, ctl = self.port, self.controller_port
        self._props.write_text(f"""\
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:{ctl}
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{ctl}
advertised.listeners=PLAINTEXT://127.0.0.1:{port}
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs={self.data}
num.network.threads=2
num.io.threads=2
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
group.initial.rebalance.delay.ms=0
broker.heartbeat.interval.ms=500
broker.session.timeout.ms=2000
log.cleaner.enable=false
""")
        self._log4j.write_text("""\
log4j.rootLogger=WARN, out
log4j.appender.out=org.apache.log4j.ConsoleAppender
log4j.appender.out.layout=org.apache.log4j.PatternLayout
log4j.appender.out.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaRaftServer=INFO
""")

    def _format(self) -> None:
        # Drawn again when it starts with '-': the storage tool's parser would read it as an
        # option, as Kafka's own Uuid.randomUuid() avoids.
        cluster_id = "-"
        while cluster_id.startswith("-"):
            cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        subprocess.run(
            [
                self.java,
                *HEAP,
                *JVM_FLAGS,
                f"-Dlog4j.configuration=file:{self._log4j}",
                "-cp",
                f"{self.libs}/*",
                "kafka.tools.StorageTool",
                "format",
                f"--cluster-id={cluster_id}",
                "-c",
                str(self._props),
            ],
            check=True,
            capture_output=True,
            env=_clean_env(),
        )

    def _launch(self) -> None:
        with self.log.open("ab") as out:
            offset = out.tell()
            self._proc = subprocess.Popen(
                [
                    self.java,
                    *HEAP,
                    *JVM_FLAGS,
                    f"-Dlog4j.configuration=file:{self._log4j}",
                    f"-Dkafka.logs.dir={self.home}",
                    "-cp",
                    f"{self.libs}/*",
                    "kafka.Kafka",
                    str(self._props),
                ],
                cwd=self.home,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                env=_clean_env(),
            )
        self._wait_started(offset)

    def _wait_started(self, offset: int) -> None:
        # "Kafka Server started" comes only once the broker is unfenced and can lead its
        # partitions; a bare ApiVersions answer may come earlier than that.
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if not self.running:
                raise RuntimeError(
                    f"the private broker exited while starting:\n{self._tail(offset)}"
                )
            with self.log.open("rb") as f:
                f.seek(offset)
                if STARTED in f.read() and answers(self.port):
                    return
            time.sleep(0.1)
        self.kill()
        raise RuntimeError(
            f"the private broker did not start in {START_TIMEOUT}s:\n{self._tail(offset)}"
        )

    def _tail(self, offset: int, lines: int = 40) -> str:
        with contextlib.suppress(OSError), self.log.open("rb") as f:
            f.seek(offset)
            return "\n".join(f.read().decode(errors="replace").splitlines()[-lines:])
        return "(no log)"


def _java() -> str:
    home = os.environ.get("JAVA_HOME")
    if home and os.access(Path(home) / "bin" / "java", os.X_OK):
        return str(Path(home) / "bin" / "java")
    found = shutil.which("java")
    if found is None:
        raise RuntimeError("java not found: install openjdk-17-jre-headless")
    return found


def _clean_env() -> dict[str, str]:
    # KAFKA_* variables (KAFKA_HEAP_OPTS, KAFKA_OPTS...) must not reshape the private broker.
    return {k: v for k, v in os.environ.items() if not k.startswith("KAFKA_")}
