"""The Kafka broker: jars from Maven, a single-node KRaft configuration, start and wait."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import re
import shutil
import socket
import struct
import subprocess
import time
import uuid

from nativestack.config import (
    HERE,
    KAFKA,
    KAFKA_CLUSTER_ID,
    KAFKA_CONF,
    KAFKA_DATA,
    KAFKA_HEAP,
    KAFKA_LIBS,
    KAFKA_LOG,
    KAFKA_LOG4J,
    KAFKA_PID,
    KAFKA_PROPS,
    KAFKA_STAMP,
    LOGS,
    POM,
    RUN,
    START_TIMEOUT,
    Ports,
    StackError,
    rel,
    say,
)
from nativestack.processes import (
    alive,
    all_pids,
    clean_env,
    cmdline,
    kill_group,
    rotate,
    run,
    tail,
)


def kafka_pids() -> list[int]:
    """Every live broker process started from our config file (pid file or not).

    Paths are compared resolved: a checkout whose `.local/kafka` is a link to another's shares
    its data directory, and a second broker on one data directory corrupts its metadata log.
    """
    props = os.path.realpath(KAFKA_PROPS)
    found = []
    for pid in all_pids():
        args = cmdline(pid)
        if "kafka.Kafka" in args and alive(pid) and props in _resolved(pid, args):
            found.append(pid)
    return found


def _resolved(pid: int, args: list[str]) -> set[str]:
    """The process's arguments that name files, resolved against its working directory."""
    with contextlib.suppress(OSError):
        cwd = os.readlink(f"/proc/{pid}/cwd")
        return {os.path.realpath(os.path.join(cwd, a)) for a in args if a.endswith(".properties")}
    return set()


def kafka_pid() -> int | None:
    """The broker's pid: the pid file's if it is ours, else any broker of this checkout."""
    with contextlib.suppress(OSError, ValueError):
        pid = int(KAFKA_PID.read_text().strip())
        if pid in kafka_pids():
            return pid
    pids = kafka_pids()
    return pids[0] if pids else None


def kafka_api_versions(port: int, timeout: float = 3.0) -> bool:
    """Send a Kafka ApiVersions v0 request and check for a sane answer."""
    client_id = b"tandem-stack"
    body = struct.pack(">hhih", 18, 0, 0x7A4D, len(client_id)) + client_id
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.settimeout(timeout)
            s.sendall(struct.pack(">i", len(body)) + body)
            head = _recv_exact(s, 4)
            (size,) = struct.unpack(">i", head)
            if not 6 <= size <= 1_000_000:
                return False
            resp = _recv_exact(s, size)
    except OSError:
        return False
    corr, err = struct.unpack(">ih", resp[:6])
    if corr != 0x7A4D or err != 0 or len(resp) < 10:
        return False
    count: int = struct.unpack(">i", resp[6:10])[0]
    return count > 0


def _recv_exact(s: socket.socket, n: int) -> bytes:
    """Read exactly `n` bytes or fail."""
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise OSError("connection closed")
        buf += chunk
    return buf


def java_bin() -> str | None:
    """The java binary: JAVA_HOME's, else PATH's."""
    home = os.environ.get("JAVA_HOME")
    if home and os.access(os.path.join(home, "bin", "java"), os.X_OK):
        return os.path.join(home, "bin", "java")
    return shutil.which("java")


def require_java() -> str:
    """A Java new enough for Kafka, or a one-line error saying what to install."""
    java = java_bin()
    hint = "install openjdk-17-jre-headless (apt-get install -y openjdk-17-jre-headless)"
    if not java:
        raise StackError(f"Java not found; {hint}")
    out = run([java, "-version"], check=False).stdout or ""
    m = re.search(r'version "(\d+)(?:\.(\d+))?', out)
    if m:
        major = int(m.group(1)) if m.group(1) != "1" else int(m.group(2) or 0)
        if major < 11:
            raise StackError(f"Java {major} is too old for Kafka 3.9 (need 11+); {hint}")
    return java


def pom_hash() -> str:
    """The pom's digest, stamped beside the jars it resolved."""
    return hashlib.sha256(POM.read_bytes()).hexdigest()


def jars_ok() -> bool:
    """Whether the jars on disk were resolved from the current pom."""
    with contextlib.suppress(OSError):
        stamp_ok = KAFKA_STAMP.read_text().strip() == pom_hash()
        return stamp_ok and any(KAFKA_LIBS.glob("kafka_2.13-*.jar"))
    return False


def install_jars() -> str | None:
    """Resolve the Kafka jars with Maven unless the pom's jars are there; says what it did."""
    if jars_ok():
        return None
    mvn = shutil.which("mvn")
    if not mvn:
        raise StackError("Maven not found; install maven (apt-get install -y maven)")
    say("resolving Kafka jars with Maven ...")
    tmp = KAFKA / "libs.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.parent.mkdir(parents=True, exist_ok=True)
    run(
        [
            mvn,
            "-q",
            "-B",
            "-f",
            str(POM),
            "dependency:copy-dependencies",
            f"-DoutputDirectory={tmp}",
        ],
        cwd=str(HERE),
        env=os.environ.copy(),
    )
    if not any(tmp.glob("kafka_2.13-*.jar")):
        raise StackError(f"Maven ran but no kafka_2.13 jar appeared in {rel(tmp)}")
    (tmp / ".pom-sha256").write_text(pom_hash() + "\n")
    shutil.rmtree(KAFKA_LIBS, ignore_errors=True)
    tmp.rename(KAFKA_LIBS)
    return f"{len(list(KAFKA_LIBS.glob('*.jar')))} Kafka jars"


def kafka_version() -> str:
    """The broker's version, from its jar's name."""
    jars = sorted(KAFKA_LIBS.glob("kafka_2.13-*.jar"))
    return jars[0].stem.split("-", 1)[1] if jars else "?"


def write_kafka_config(ports: Ports) -> None:
    """Write server.properties and log4j.properties for these ports."""
    KAFKA_CONF.mkdir(parents=True, exist_ok=True)
    KAFKA_DATA.mkdir(parents=True, exist_ok=True)
    KAFKA_PROPS.write_text(f"""\
# Generated by deploy/local/stack.py -- edits are overwritten on `up`.
# Single-node KRaft: one process is broker and controller.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:{ports.controller}
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://127.0.0.1:{ports.kafka},CONTROLLER://127.0.0.1:{ports.controller}
advertised.listeners=PLAINTEXT://127.0.0.1:{ports.kafka}
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs={KAFKA_DATA}

# Tuned for fast tests on a small machine (2 cores).
num.network.threads=2
num.io.threads=4
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
# Services provision their topics with the catalogued settings before publishing, and a
# consumer waits for its inputs' owners (ADR 0023): nothing may create a topic by touching it,
# here as in compose and the chart (docs/operations.md, "The Kafka broker").
auto.create.topics.enable=false
delete.topic.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=10
group.initial.rebalance.delay.ms=0
log.cleaner.dedupe.buffer.size=33554432
log.retention.hours=168
log.segment.bytes=104857600
""")
    KAFKA_LOG4J.write_text("""\
# Generated by deploy/local/stack.py: everything to stdout, which goes to .local/logs/kafka.log
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.org.apache.kafka.clients=WARN
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.org.apache.kafka.common.utils.AppInfoParser=WARN
""")


def new_cluster_id() -> str:
    """A random KRaft cluster id the storage tool's argument parser accepts.

    One id in 64 starts with '-', which the parser reads as an option ("--cluster-id:
    expected one argument"); Kafka's own Uuid.randomUuid() draws again for the same reason.
    """
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cluster_id.startswith("-"):
            return cluster_id


def kafka_format(java: str) -> None:
    """Format the KRaft log directory once, keeping the cluster id across purges of data."""
    if (KAFKA_DATA / "meta.properties").exists():
        return
    cluster_id = KAFKA_CLUSTER_ID.read_text().strip() if KAFKA_CLUSTER_ID.exists() else ""
    if not cluster_id or cluster_id.startswith("-"):
        cluster_id = new_cluster_id()
        KAFKA_CLUSTER_ID.write_text(cluster_id + "\n")
    run(
        [
            java,
            f"-Dlog4j.configuration=file:{KAFKA_LOG4J}",
            "-cp",
            f"{KAFKA_LIBS}/*",
            "kafka.tools.StorageTool",
            "format",
            "--ignore-formatted",
            f"--cluster-id={cluster_id}",
            "-c",
            str(KAFKA_PROPS),
        ]
    )


def kafka_start(java: str) -> tuple[int, int]:
    """Launch the broker detached; returns (pid, log offset where its output starts)."""
    rotate(KAFKA_LOG)
    LOGS.mkdir(parents=True, exist_ok=True)
    RUN.mkdir(parents=True, exist_ok=True)
    with KAFKA_LOG.open("ab") as log:
        offset = log.tell()
        cmd = [
            java,
            *KAFKA_HEAP,
            "-XX:+UseG1GC",
            "-XX:MaxGCPauseMillis=20",
            "-XX:InitiatingHeapOccupancyPercent=35",
            "-XX:+ExplicitGCInvokesConcurrent",
            "-XX:+ExitOnOutOfMemoryError",
            "-Djava.awt.headless=true",
            f"-Dlog4j.configuration=file:{KAFKA_LOG4J}",
            f"-Dkafka.logs.dir={LOGS}",
            "-cp",
            f"{KAFKA_LIBS}/*",
            "kafka.Kafka",
            str(KAFKA_PROPS),
        ]
        proc = subprocess.Popen(
            cmd,
            cwd=str(KAFKA),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            close_fds=True,
            env=clean_env(),
        )
    KAFKA_PID.write_text(f"{proc.pid}\n")
    return proc.pid, offset


def kafka_wait(pid: int, port: int, log_offset: int, deadline: float) -> None:
    """Wait until the broker logged its start and answers ApiVersions, or fail with its log."""
    started = False
    while time.monotonic() < deadline:
        if not alive(pid):
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)
            raise StackError(
                f"Kafka exited during startup; last lines of {rel(KAFKA_LOG)}:",
                tail(KAFKA_LOG, 30, log_offset),
            )
        if not started:
            with contextlib.suppress(OSError), KAFKA_LOG.open("rb") as f:
                f.seek(log_offset)
                started = b"Kafka Server started" in f.read()
        if started and kafka_api_versions(port):
            return
        time.sleep(0.25)
    kill_group(pid, "kafka")
    raise StackError(
        f"Kafka did not come up within {START_TIMEOUT:.0f}s; last lines of {rel(KAFKA_LOG)}:",
        tail(KAFKA_LOG, 30, log_offset),
    )


def kafka_port_from_config() -> int | None:
    """The port the running broker was configured with."""
    with contextlib.suppress(OSError):
        m = re.search(r"^listeners=PLAINTEXT://[^:]+:(\d+)", KAFKA_PROPS.read_text(), re.M)
        if m:
            return int(m.group(1))
    return None
