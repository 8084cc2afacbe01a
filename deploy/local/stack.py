#!/usr/bin/env python3
"""Tandem native local stack: one Apache Kafka broker (KRaft) and one PostgreSQL.

No Docker needed. Kafka runs from the official jars that Maven resolves
(deploy/local/pom.xml); PostgreSQL runs from the distribution's binaries in a
private data folder. Everything lives under <repo>/.local/.

    python3 deploy/local/stack.py install     # fetch jars / postgres if missing
    python3 deploy/local/stack.py up          # start both (idempotent)
    python3 deploy/local/stack.py status      # exit 0 if both run, 3 otherwise
    python3 deploy/local/stack.py env         # print .local/stack.env
    python3 deploy/local/stack.py down        # stop both, keep data
    python3 deploy/local/stack.py down --purge   # stop and delete data (alias: clean)

Ports: TANDEM_KAFKA_PORT (9092), TANDEM_KAFKA_CONTROLLER_PORT (9093),
TANDEM_PG_PORT (5432).

Standard library only: this must run with the system python3 before any venv
exists. See docs/decisions/0001-kafka-version.md and 0002-native-stack.md.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import errno
import fcntl
import glob
import hashlib
import os
import pwd
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# --------------------------------------------------------------------------- paths

HERE = Path(__file__).resolve().parent
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

SERVICES = ("matching", "engagement", "notifications", "analytics")
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
    print(msg, flush=True)


def rel(p: Path) -> str:
    try:
        return str(p.relative_to(ROOT))
    except ValueError:
        return str(p)


# --------------------------------------------------------------------------- config


def _port(var: str, default: int) -> int:
    raw = os.environ.get(var, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= 65535:
        raise StackError(f"{var}={raw!r} is not a valid port number (1-65535)")
    return int(raw)


class Ports:
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
    lines = [
        "# Written by deploy/local/stack.py up -- the native local stack.",
        "# KEY=VALUE lines: `set -a; . .local/stack.env; set +a` or `include .local/stack.env`.",
        f"TANDEM_KAFKA_BOOTSTRAP=127.0.0.1:{kafka_port}",
    ]
    for svc in SERVICES:
        role = f"tandem_{svc}"
        lines.append(
            f"TANDEM_DATABASE_URL_{svc.upper()}="
            f"postgresql://{role}:{role}@127.0.0.1:{pg_port}/{role}"
        )
    lines.append(
        f"TANDEM_DATABASE_URL_ADMIN=postgresql://{ADMIN}:{ADMIN}@127.0.0.1:{pg_port}/postgres"
    )
    lines.append(
        f"TANDEM_DATABASE_URL_ANALYST=postgresql://{ANALYST}:{ANALYST}@127.0.0.1:{pg_port}/tandem_analytics"
    )
    return "\n".join(lines) + "\n"


def up_command_hint() -> str:
    makefile = ROOT / "Makefile"
    with contextlib.suppress(OSError):
        if re.search(r"^up\s*:", makefile.read_text(), re.M):
            return "make up"
    return "python3 deploy/local/stack.py up"


# --------------------------------------------------------------------------- processes


def _cmdline(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [a.decode(errors="replace") for a in raw.split(b"\0") if a]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie is not alive for our purposes
    with contextlib.suppress(OSError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        if stat.rsplit(")", 1)[1].split()[0] == "Z":
            return False
    return True


def _all_pids() -> list[int]:
    return [int(d) for d in os.listdir("/proc") if d.isdigit()]


def kafka_pids() -> list[int]:
    """Every live broker process started from our config file (pid file or not)."""
    props = str(KAFKA_PROPS)
    found = []
    for pid in _all_pids():
        args = _cmdline(pid)
        if "kafka.Kafka" in args and props in args and _alive(pid):
            found.append(pid)
    return found


def kafka_pid() -> int | None:
    with contextlib.suppress(OSError, ValueError):
        pid = int(KAFKA_PID.read_text().strip())
        if pid in kafka_pids():
            return pid
    pids = kafka_pids()
    return pids[0] if pids else None


def pg_postmaster_pid() -> int | None:
    try:
        first = (PG_DATA / "postmaster.pid").read_text().splitlines()[0]
        pid = int(first.strip())
    except (OSError, ValueError, IndexError):
        return None
    args = _cmdline(pid)
    if args and "postgres" in os.path.basename(args[0]) and _alive(pid):
        return pid
    return None


def pg_pids() -> list[int]:
    """Every live process of our PostgreSQL cluster (their cwd is the data dir)."""
    data = str(PG_DATA.resolve()) if PG_DATA.exists() else str(PG_DATA)
    found = []
    for pid in _all_pids():
        with contextlib.suppress(OSError):
            if os.readlink(f"/proc/{pid}/cwd") == data and _alive(pid):
                found.append(pid)
    main = pg_postmaster_pid()
    if main and main not in found:
        found.append(main)
    return found


# --------------------------------------------------------------------------- ports


def port_free(port: int) -> bool:
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
    if not port_free(port):
        alt = port + 10000 if port + 10000 <= 65535 else port - 1000
        raise StackError(
            f"port {port} ({what}) is already in use; stop what holds it or choose another: "
            f"{var}={alt} {up_command_hint()}"
        )


def tcp_accepts(port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout):
            return True
    except OSError:
        return False


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
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise OSError("connection closed")
        buf += chunk
    return buf


# --------------------------------------------------------------------------- tools


def run(cmd: list[str], *, check: bool = True, **kw: Any) -> subprocess.CompletedProcess[str]:
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


def java_bin() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home and os.access(os.path.join(home, "bin", "java"), os.X_OK):
        return os.path.join(home, "bin", "java")
    return shutil.which("java")


def require_java() -> str:
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


def pg_bindir() -> Path | None:
    """Newest PostgreSQL server binaries: Debian's layout first, then PATH."""
    cands = []
    for initdb in glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        ver = Path(initdb).parent.parent.name
        with contextlib.suppress(ValueError):
            cands.append((float(ver), Path(initdb).parent))
    if cands:
        return max(cands)[1]
    found = shutil.which("initdb")
    if found and Path(found).with_name("pg_ctl").exists():
        return Path(found).resolve().parent
    return None


def require_pg_bindir() -> Path:
    bindir = pg_bindir()
    if not bindir:
        raise StackError(
            "PostgreSQL server (initdb) not found; "
            "install postgresql (apt-get install -y postgresql)"
        )
    return bindir


def pom_hash() -> str:
    return hashlib.sha256(POM.read_bytes()).hexdigest()


def jars_ok() -> bool:
    with contextlib.suppress(OSError):
        stamp_ok = KAFKA_STAMP.read_text().strip() == pom_hash()
        return stamp_ok and any(KAFKA_LIBS.glob("kafka_2.13-*.jar"))
    return False


# --------------------------------------------------------------------------- pg user


def am_root() -> bool:
    return os.geteuid() == 0


def pg_user() -> str | None:
    """OS user that runs PostgreSQL when we are root (PostgreSQL refuses root)."""
    if not am_root():
        return None
    with contextlib.suppress(OSError, KeyError):
        owner = pwd.getpwuid(PG_DATA.stat().st_uid).pw_name
        if owner != "root":
            return owner
    for name in ("postgres", "tandem"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    run(
        [
            "useradd",
            "--system",
            "--user-group",
            "--no-create-home",
            "--home-dir",
            "/nonexistent",
            "--shell",
            "/usr/sbin/nologin",
            "tandem",
        ]
    )
    say("created system user 'tandem' to run PostgreSQL (no 'postgres' user here)")
    return "tandem"


def as_pg(cmd: list[str], user: str | None) -> list[str]:
    return ["runuser", "-u", user, "--", *cmd] if user else cmd


def chown_tree(path: Path, user: str | None) -> None:
    if not user:
        return
    pw = pwd.getpwnam(user)
    for dirpath, _dirnames, filenames in os.walk(path):
        os.chown(dirpath, pw.pw_uid, pw.pw_gid)
        for name in filenames:
            with contextlib.suppress(FileNotFoundError):
                os.lchown(os.path.join(dirpath, name), pw.pw_uid, pw.pw_gid)


def ensure_traversable(path: Path, user: str | None) -> None:
    """Every ancestor of `path` must be searchable by the PostgreSQL user."""
    if not user:
        return
    pw = pwd.getpwnam(user)
    for parent in [*reversed(path.parents)]:
        if parent == Path("/"):
            continue
        st = parent.stat()
        ok = (
            (st.st_uid == pw.pw_uid and st.st_mode & 0o100)
            or (st.st_gid == pw.pw_gid and st.st_mode & 0o010)
            or st.st_mode & 0o001
        )
        if not ok:
            os.chmod(parent, st.st_mode | 0o001)
            say(f"made {parent} traversable (o+x) so '{user}' can reach {rel(path)}")


def pg_socket_dir() -> Path:
    # sun_path holds 107 bytes; deep checkouts fall back to a short path in /tmp.
    if len(f"{PG_RUN}/.s.PGSQL.65535") <= 100:
        return PG_RUN
    digest = hashlib.sha256(str(ROOT).encode()).hexdigest()[:10]
    return Path("/tmp") / f"tandem-pg-{digest}"  # noqa: S108 -- a socket dir, mode 0700


# --------------------------------------------------------------------------- install


def cmd_install(_args: argparse.Namespace | None = None, *, quiet: bool = False) -> int:
    t0 = time.monotonic()
    require_java()
    did = []
    # PostgreSQL
    if pg_bindir() is None:
        if not am_root():
            raise StackError(
                "PostgreSQL server (initdb) not found; "
                "install postgresql (sudo apt-get install -y postgresql)"
            )
        if not shutil.which("apt-get"):
            raise StackError("PostgreSQL (initdb) not found and no apt-get; install postgresql")
        say("installing postgresql (apt-get) ...")
        # Do not let the Debian package create and start its own 'main' cluster on 5432.
        conf = Path("/etc/postgresql-common/createcluster.conf")
        if not conf.exists():
            conf.parent.mkdir(parents=True, exist_ok=True)
            conf.write_text("create_main_cluster = false\n")
        env = clean_env() | {"DEBIAN_FRONTEND": "noninteractive"}
        run(["apt-get", "update"], env=env)
        run(
            [
                "apt-get",
                "install",
                "-y",
                "--no-install-recommends",
                "-o",
                "Dpkg::Options::=--force-confold",
                "postgresql",
            ],
            env=env,
        )
        require_pg_bindir()
        did.append("postgresql")
    # Kafka jars
    if not jars_ok():
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
        did.append(f"{len(list(KAFKA_LIBS.glob('*.jar')))} Kafka jars")
    if did:
        say(f"installed: {', '.join(did)} ({time.monotonic() - t0:.1f}s)")
    elif not quiet:
        say("install: nothing to do (Java, PostgreSQL and Kafka jars present)")
    return 0


# --------------------------------------------------------------------------- kafka


def kafka_version() -> str:
    jars = sorted(KAFKA_LIBS.glob("kafka_2.13-*.jar"))
    return jars[0].stem.split("-", 1)[1] if jars else "?"


def write_kafka_config(ports: Ports) -> None:
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
auto.create.topics.enable=true
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


def kafka_format(java: str) -> None:
    if (KAFKA_DATA / "meta.properties").exists():
        return
    if KAFKA_CLUSTER_ID.exists():
        cluster_id = KAFKA_CLUSTER_ID.read_text().strip()
    else:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
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
            "-t",
            cluster_id,
            "-c",
            str(KAFKA_PROPS),
        ]
    )


def rotate(log: Path) -> None:
    with contextlib.suppress(OSError):
        if log.stat().st_size > LOG_ROTATE_BYTES:
            log.replace(log.with_name(log.name + ".1"))


def tail(path: Path, n: int = 30, start: int = 0) -> str:
    try:
        with path.open("rb") as f:
            f.seek(start)
            data = f.read()
    except OSError:
        return f"(no log at {rel(path)})"
    return "\n".join(data.decode(errors="replace").splitlines()[-n:])


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
    started = False
    while time.monotonic() < deadline:
        if not _alive(pid):
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
    with contextlib.suppress(OSError):
        m = re.search(r"^listeners=PLAINTEXT://[^:]+:(\d+)", KAFKA_PROPS.read_text(), re.M)
        if m:
            return int(m.group(1))
    return None


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
    while time.monotonic() < end and _alive(pid):
        time.sleep(0.2)
    if _alive(pid):
        say(f"{name}: did not stop within {timeout:.0f}s, killing")
        send(signal.SIGKILL)
        end = time.monotonic() + 10
        while time.monotonic() < end and _alive(pid):
            time.sleep(0.1)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


# --------------------------------------------------------------------------- postgres


def pg_conf(ports: Ports, sockdir: Path) -> str:
    return f"""\
# Generated by deploy/local/stack.py -- rewritten on every `up`.
listen_addresses = '127.0.0.1'
port = {ports.pg}
unix_socket_directories = '{sockdir}'
max_connections = 300
shared_buffers = 256MB
max_prepared_transactions = 0
# Durability stays on: benchmarks measure commit latency with real fsync.
fsync = on
synchronous_commit = on
full_page_writes = on
timezone = 'UTC'
log_timezone = 'UTC'
log_line_prefix = '%m [%p] %q%u@%d '
log_min_messages = warning
"""


def pg_init(bindir: Path, user: str | None) -> None:
    PG.mkdir(parents=True, exist_ok=True)
    if (PG_DATA / "PG_VERSION").exists():
        return
    if PG_DATA.exists() and any(PG_DATA.iterdir()):
        raise StackError(f"{rel(PG_DATA)} is not a PostgreSQL cluster; remove it (stack.py clean)")
    PG_DATA.mkdir(mode=0o700, exist_ok=True)
    chown_tree(PG, user)
    ensure_traversable(PG_DATA, user)
    say("postgres: initdb ...")
    locale = "C.UTF-8" if Path("/usr/lib/locale/C.utf8").exists() else "C"
    run(
        as_pg(
            [
                str(bindir / "initdb"),
                "-D",
                str(PG_DATA),
                "-U",
                PG_SUPERUSER,
                "-E",
                "UTF8",
                f"--locale={locale}",
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
            ],
            user,
        ),
        cwd=str(PG),
    )
    conf = PG_DATA / "postgresql.conf"
    with conf.open("a") as f:
        f.write("\n# Tandem local stack settings\ninclude_if_exists = 'tandem.conf'\n")


def pg_start(bindir: Path, user: str | None, ports: Ports) -> None:
    sockdir = pg_socket_dir()
    sockdir.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(sockdir, 0o700)
    LOGS.mkdir(parents=True, exist_ok=True)
    rotate(PG_LOG)
    PG_LOG.touch()
    tconf = PG_DATA / "tandem.conf"
    tconf.write_text(pg_conf(ports, sockdir))
    if user:
        pw = pwd.getpwnam(user)
        for p in (sockdir, PG_LOG, tconf):
            os.chown(p, pw.pw_uid, pw.pw_gid)
        ensure_traversable(PG_LOG, user)
    os.chmod(tconf, 0o600)
    # New session so that the postmaster survives the terminal/job that ran `up`.
    proc = run(
        as_pg(
            [
                str(bindir / "pg_ctl"),
                "-D",
                str(PG_DATA),
                "-l",
                str(PG_LOG),
                "-w",
                "-t",
                str(int(START_TIMEOUT)),
                "start",
            ],
            user,
        ),
        check=False,
        cwd=str(PG),
        start_new_session=True,
    )
    if proc.returncode != 0:
        raise StackError(
            f"PostgreSQL did not start; last lines of {rel(PG_LOG)}:",
            ((proc.stdout or "").strip() + "\n" + tail(PG_LOG, 30)).strip(),
        )


def pg_ready(bindir: Path, port: int, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while True:
        r = run(
            [
                str(bindir / "pg_isready"),
                "-q",
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-d",
                "postgres",
                "-t",
                "3",
            ],
            check=False,
        )
        if r.returncode == 0:
            return True
        if time.monotonic() > end:
            return False
        time.sleep(0.3)


def pg_port_from_config() -> int | None:
    with contextlib.suppress(OSError):
        m = re.search(r"^port = (\d+)", (PG_DATA / "tandem.conf").read_text(), re.M)
        if m:
            return int(m.group(1))
    return None


def bootstrap_sql() -> str:
    roles = [f"tandem_{s}" for s in SERVICES]
    dbs = roles

    def arr(xs: list[str]) -> str:
        return "ARRAY[" + ",".join(f"'{x}'" for x in xs) + "]"

    sql = [
        "SET client_min_messages = warning;",
        # login roles: service owners + analyst; password = role name (local dev only)
        "SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', r, r) "
        f"FROM unnest({arr([*roles, ANALYST])}) AS r "
        "WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) \\gexec",
        # admin role for tests
        "SELECT format('CREATE ROLE %I LOGIN CREATEDB CREATEROLE PASSWORD %L', "
        f"'{ADMIN}', '{ADMIN}') "
        f"WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{ADMIN}') \\gexec",
        # one database per service, owned by its role
        "SELECT format('CREATE DATABASE %I OWNER %I', d, d) "
        f"FROM unnest({arr(dbs)}) AS d "
        "WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = d) \\gexec",
        # the admin acts as every service owner (clone service DBs as templates, drop test DBs)
        f"GRANT {', '.join(roles)} TO {ADMIN};",
        f"ALTER ROLE {ANALYST} SET default_transaction_read_only = on;",
    ]
    for db in dbs:
        sql.append(f"REVOKE CONNECT ON DATABASE {db} FROM PUBLIC;")
        sql.append(f"GRANT CONNECT ON DATABASE {db} TO {ADMIN};")
    sql += [
        f"GRANT CONNECT ON DATABASE tandem_analytics TO {ANALYST};",
        "\\connect tandem_analytics",
        "SET client_min_messages = warning;",
        f"GRANT USAGE ON SCHEMA public TO {ANALYST};",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {ANALYST};",
        "ALTER DEFAULT PRIVILEGES FOR ROLE tandem_analytics IN SCHEMA public "
        f"GRANT SELECT ON TABLES TO {ANALYST};",
        "CREATE SCHEMA IF NOT EXISTS analyst AUTHORIZATION tandem_analytics;",
        f"GRANT USAGE ON SCHEMA analyst TO {ANALYST};",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA analyst TO {ANALYST};",
        "ALTER DEFAULT PRIVILEGES FOR ROLE tandem_analytics IN SCHEMA analyst "
        f"GRANT SELECT ON TABLES TO {ANALYST};",
    ]
    return "\n".join(sql) + "\n"


def pg_bootstrap(bindir: Path, port: int) -> None:
    sockdir = pg_socket_dir()
    run(
        [
            str(bindir / "psql"),
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            str(sockdir),
            "-p",
            str(port),
            "-U",
            PG_SUPERUSER,
            "-d",
            "postgres",
            "-f",
            "-",
        ],
        input=bootstrap_sql(),
    )


def pg_stop(bindir: Path | None, user: str | None) -> None:
    pid = pg_postmaster_pid()
    if pid and bindir:
        run(
            as_pg(
                [
                    str(bindir / "pg_ctl"),
                    "-D",
                    str(PG_DATA),
                    "-m",
                    "fast",
                    "-w",
                    "-t",
                    str(int(STOP_TIMEOUT)),
                    "stop",
                ],
                user,
            ),
            check=False,
            cwd=str(PG),
        )
    if pid and _alive(pid):
        say("postgres: fast shutdown timed out, killing")
        kill_group(pid, "postgres", timeout=5)
    # postmaster gone: any child still around is an orphan of ours
    for child in pg_pids():
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(child, signal.SIGKILL)


# --------------------------------------------------------------------------- commands


@contextlib.contextmanager
def stack_lock() -> Iterator[None]:
    RUN.mkdir(parents=True, exist_ok=True)
    with open(LOCK_FILE, "a+") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say("waiting for another stack.py run to finish ...")
            fcntl.flock(f, fcntl.LOCK_EX)
        yield


def cmd_up(_args: argparse.Namespace) -> int:
    t0 = time.monotonic()
    ports = Ports()
    with stack_lock():
        cmd_install(quiet=True)
        java = require_java()
        bindir = require_pg_bindir()

        kpid = kafka_pid()
        ppid = pg_postmaster_pid()
        # check every port we need before starting anything
        if not kpid:
            require_free(ports.kafka, "Kafka", "TANDEM_KAFKA_PORT")
            require_free(ports.controller, "Kafka controller", "TANDEM_KAFKA_CONTROLLER_PORT")
        if not ppid:
            require_free(ports.pg, "PostgreSQL", "TANDEM_PG_PORT")

        kafka_port = ports.kafka
        started_kafka = None
        if kpid:
            kafka_port = kafka_port_from_config() or ports.kafka
        else:
            write_kafka_config(ports)
            kafka_format(java)
            started_kafka = kafka_start(java)

        try:
            pg_port = ports.pg
            user = pg_user()
            if ppid:
                pg_port = pg_port_from_config() or ports.pg
            else:
                pg_init(bindir, user)
                pg_start(bindir, user, ports)
            if not pg_ready(bindir, pg_port, START_TIMEOUT):
                raise StackError(
                    f"PostgreSQL does not answer on port {pg_port}; last lines of {rel(PG_LOG)}:",
                    tail(PG_LOG, 30),
                )
            pg_bootstrap(bindir, pg_port)
        except BaseException:
            if started_kafka:
                kill_group(started_kafka[0], "kafka", timeout=10)
            raise

        if started_kafka:
            kpid_new, offset = started_kafka
            kafka_wait(kpid_new, ports.kafka, offset, time.monotonic() + START_TIMEOUT)
        elif kpid and not kafka_api_versions(kafka_port):
            # running but not (yet) answering, e.g. an earlier `up` was interrupted
            kafka_wait(kpid, kafka_port, 0, time.monotonic() + START_TIMEOUT)

        content = env_content(kafka_port, pg_port)
        env_changed = not ENV_FILE.exists() or ENV_FILE.read_text() != content
        if env_changed:
            ENV_FILE.write_text(content)

    kpid_now = kafka_pid()
    ppid_now = pg_postmaster_pid()
    for name, was, pid, port, want, var in (
        ("kafka", kpid, kpid_now, kafka_port, ports.kafka, "TANDEM_KAFKA_PORT"),
        ("postgres", ppid, ppid_now, pg_port, ports.pg, "TANDEM_PG_PORT"),
    ):
        label = f"Kafka {kafka_version()}" if name == "kafka" else "PostgreSQL"
        if was:
            note = f"  ({var}={want} ignored: run down first)" if port != want else ""
            say(f"{name:9s} already running  pid {pid}  127.0.0.1:{port}{note}")
        else:
            say(f"{name:9s} started          pid {pid}  127.0.0.1:{port}  ({label})")
    if kpid and ppid and not env_changed:
        say("stack already running; nothing changed")
    else:
        note = f"; wrote {rel(ENV_FILE)}" if env_changed else f"; {rel(ENV_FILE)} unchanged"
        say(f"ready in {time.monotonic() - t0:.1f}s{note}")
    return 0


def _wait_reaped(pids: list[int], timeout: float) -> None:
    """Give init a moment to reap exited daemons so no <defunct> entry lingers."""
    end = time.monotonic() + timeout
    while time.monotonic() < end and any(Path(f"/proc/{p}").exists() for p in pids):
        time.sleep(0.1)


def cmd_down(args: argparse.Namespace) -> int:
    with stack_lock():
        stopped = []
        pids = kafka_pids()
        postmaster = pg_postmaster_pid()
        main_pids = pids + ([postmaster] if postmaster else [])
        for pid in pids:
            kill_group(pid, "kafka")
        if pids:
            stopped.append("kafka")
        with contextlib.suppress(FileNotFoundError):
            KAFKA_PID.unlink()

        if pg_pids():
            pg_stop(pg_bindir(), pg_user())
            stopped.append("postgres")

        _wait_reaped(main_pids, 5.0)
        left = kafka_pids() + (pg_pids() if PG_DATA.exists() else [])
        if left:
            raise StackError(f"processes still running after down: {' '.join(map(str, left))}")
        say(f"stopped: {', '.join(stopped)}" if stopped else "nothing was running")

        if getattr(args, "purge", False):
            for p in (KAFKA_DATA, PG, pg_socket_dir(), KAFKA_CLUSTER_ID):
                if p.is_dir():
                    shutil.rmtree(p, ignore_errors=True)
                elif p.exists():
                    p.unlink()
            say(f"purged {rel(KAFKA_DATA)} and {rel(PG)} (jars kept)")
    return 0


def cmd_status(_args: argparse.Namespace) -> int:
    ok = True
    kpid = kafka_pid()
    kport = kafka_port_from_config() or Ports().kafka
    if kpid:
        health = "answering" if kafka_api_versions(kport) else "NOT answering yet"
        say(f"kafka     running  pid {kpid}  127.0.0.1:{kport}  {health}")
        ok &= health == "answering"
    else:
        say(f"kafka     stopped  port {kport}")
        ok = False
    ppid = pg_postmaster_pid()
    pport = pg_port_from_config() or Ports().pg
    if ppid:
        bindir = pg_bindir()
        answering = bindir is not None and pg_ready(bindir, pport, 0)
        health = "answering" if answering else "NOT answering yet"
        say(f"postgres  running  pid {ppid}  127.0.0.1:{pport}  {health}")
        ok &= answering
    else:
        say(f"postgres  stopped  port {pport}")
        ok = False
    return 0 if ok else 3


def cmd_env(_args: argparse.Namespace) -> int:
    if ENV_FILE.exists():
        sys.stdout.write(ENV_FILE.read_text())
    else:
        ports = Ports()
        print(
            f"# {rel(ENV_FILE)} not written yet (run: stack.py up); current ports:", file=sys.stderr
        )
        sys.stdout.write(env_content(ports.kafka, ports.pg))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="stack.py", description="Tandem native local stack (Kafka KRaft + PostgreSQL)."
    )
    sub = parser.add_subparsers(dest="cmd", required=True, metavar="COMMAND")
    sub.add_parser("install", help="fetch Kafka jars / install PostgreSQL if missing").set_defaults(
        func=cmd_install
    )
    sub.add_parser("up", help="start Kafka and PostgreSQL (idempotent)").set_defaults(func=cmd_up)
    p_down = sub.add_parser("down", help="stop both, keep data (--purge: delete data)")
    p_down.add_argument("--purge", action="store_true", help="also delete Kafka and PG data")
    p_down.set_defaults(func=cmd_down)
    sub.add_parser("clean", help="same as down --purge").set_defaults(func=cmd_down, purge=True)
    sub.add_parser("status", help="show state; exit 0 if both run, 3 otherwise").set_defaults(
        func=cmd_status
    )
    sub.add_parser("env", help="print .local/stack.env").set_defaults(func=cmd_env)
    args = parser.parse_args(argv)
    try:
        rc: int = args.func(args)
        return rc
    except StackError as exc:
        print(f"error: {exc}", file=sys.stderr)
        if exc.detail:
            print(exc.detail, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
