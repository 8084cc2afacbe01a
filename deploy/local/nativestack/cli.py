"""The commands: install, up, down (clean), status, env."""

from __future__ import annotations

import argparse
import contextlib
import shutil
import sys
import time

from nativestack.config import (
    ENV_FILE,
    KAFKA_CLUSTER_ID,
    KAFKA_DATA,
    KAFKA_PID,
    PG,
    PG_DATA,
    PG_LOG,
    START_TIMEOUT,
    Ports,
    StackError,
    env_content,
    rel,
    say,
)
from nativestack.kafka import (
    install_jars,
    kafka_api_versions,
    kafka_format,
    kafka_pid,
    kafka_pids,
    kafka_port_from_config,
    kafka_start,
    kafka_version,
    kafka_wait,
    require_java,
    write_kafka_config,
)
from nativestack.pg_install import install_postgres, pg_bindir, pg_user, require_pg_bindir
from nativestack.postgres import (
    pg_init,
    pg_pids,
    pg_port_from_config,
    pg_postmaster_pid,
    pg_ready,
    pg_socket_dir,
    pg_start,
    pg_stop,
)
from nativestack.processes import kill_group, require_free, stack_lock, tail, wait_reaped
from nativestack.roles import pg_bootstrap


def cmd_install(_args: argparse.Namespace | None = None, *, quiet: bool = False) -> int:
    """Install what is missing: PostgreSQL (apt-get, as root) and the Kafka jars (Maven)."""
    t0 = time.monotonic()
    require_java()
    did = [what for what in (install_postgres(), install_jars()) if what]
    if did:
        say(f"installed: {', '.join(did)} ({time.monotonic() - t0:.1f}s)")
    elif not quiet:
        say("install: nothing to do (Java, PostgreSQL and Kafka jars present)")
    return 0


def cmd_up(_args: argparse.Namespace) -> int:
    """Start Kafka and PostgreSQL (idempotent) and write .local/stack.env."""
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


def cmd_down(args: argparse.Namespace) -> int:
    """Stop both (data kept; --purge deletes it)."""
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

        wait_reaped(main_pids, 5.0)
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
    """Say what runs; exit 0 if both answer, 3 otherwise."""
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
    """Print .local/stack.env (or what it would hold)."""
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
    """The command line; expected failures are one line on stderr, exit 1."""
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
