"""CPU seconds process by process, read from /proc: where one check-in's work goes.

The services are the bench's children (each counted with its descendants, the HTTP workers).
The Kafka broker and PostgreSQL are the shared local stack: the broker is one JVM (all of its
threads), PostgreSQL is split by what each process's title names: the backends of the bench's
own databases, the watcher's backend (the bench's, not the system's), and the server's shared
processes (postmaster, WAL writer, checkpointer...). Other sessions' backends are left out,
but the broker and the shared processes also work for whoever else uses the stack.
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

from checkin_load import cpu_seconds

TICK = os.sysconf("SC_CLK_TCK")


def _read(pid: str, name: str) -> str:
    return (Path("/proc") / pid / name).read_text(errors="replace")


def _own_ticks(pid: str) -> int:
    fields = _read(pid, "stat").rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def _title(pid: str) -> str:
    return _read(pid, "cmdline").replace("\0", " ").strip()


def _postgres_group(title: str, databases: dict[str, str]) -> str | None:
    """Which share a postgres process's title belongs to, or None for another session's."""
    words = title.removeprefix("postgres:").split()
    for name, database in databases.items():
        if database in words:
            return f"postgres_{name}"
    # "user database host(port) state", or an autovacuum worker of another database
    is_backend = len(words) >= 3 and "(" in words[2]
    is_vacuuming = words[:2] == ["autovacuum", "worker"]
    return None if is_backend or is_vacuuming else "postgres_shared"


def stack_cpu(databases: dict[str, str], watcher_pid: int) -> dict[str, float]:
    """CPU seconds so far of the broker JVM and of PostgreSQL processes, keyed group/pid."""
    ticks: dict[str, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = _read(entry.name, "comm").strip()
            if int(entry.name) == watcher_pid:
                group: str | None = "postgres_watcher"
            elif command == "postgres":
                group = _postgres_group(_title(entry.name), databases)
            elif command == "java" and "kafka.Kafka" in _title(entry.name):
                group = "kafka_broker"
            else:
                group = None
            if group:  # per process: one that exits between snapshots must not count negative
                ticks[f"{group}/{entry.name}"] = _own_ticks(entry.name)
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
    return {group: n / TICK for group, n in ticks.items()}


class CpuLedger:
    """Snapshots of every process's CPU seconds; differences per unit of work."""

    def __init__(self, children: dict[str, int], databases: dict[str, str]) -> None:
        self._children = children  # name -> pid of a process the bench started
        self.databases = databases  # name -> database name in backend titles
        self.watcher_pid = 0  # the watcher's PostgreSQL backend, once it is connected

    def snapshot(self) -> dict[str, float]:
        """CPU seconds so far, by process group, plus this process (generator and watcher)."""
        figures = {name: cpu_seconds(pid) for name, pid in self._children.items()}
        figures.update(stack_cpu(self.databases, self.watcher_pid))
        figures["bench_generator_watcher"] = time.process_time()
        figures["wall"] = time.perf_counter()
        return figures

    @staticmethod
    def share(before: dict[str, float], after: dict[str, float], units: int) -> dict[str, float]:
        """Milliseconds of CPU per unit between two snapshots, by group, with the total of
        the system's groups (the bench's own generator, watcher and watcher backend apart)."""
        spent = _spent(before, after)
        per = {name: round(v * 1000 / max(units, 1), 2) for name, v in spent.items()}
        bench = ("bench_generator_watcher", "postgres_watcher")
        per["system_total"] = round(sum(v for k, v in per.items() if k not in bench), 2)
        per["window_seconds"] = round(after["wall"] - before["wall"], 1)
        return per

    @staticmethod
    def rate(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
        """Milliseconds of CPU per wall second between two snapshots (idle burn), by group."""
        wall = after["wall"] - before["wall"]
        return {name: round(v * 1000 / wall, 1) for name, v in _spent(before, after).items()}

    async def quiet(self, busiest: float, limit: float) -> float:
        """Wait until the bench's children together use less than ``busiest`` of a core over a
        second (a backlog applied, e.g. the seeded workspaces), at most ``limit`` seconds;
        returns how long it took."""
        start = time.perf_counter()
        while time.perf_counter() - start < limit:
            before = {name: cpu_seconds(pid) for name, pid in self._children.items()}
            await asyncio.sleep(1.0)
            used = sum(cpu_seconds(pid) - before[name] for name, pid in self._children.items())
            if used < busiest:
                break
        return round(time.perf_counter() - start, 1)


def _spent(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    """CPU seconds each group spent between two snapshots, summed over its processes alive at
    the second one (a process started meanwhile counts from zero; one that exited is left
    out, its last seconds unknown, rather than counted as negative)."""
    spent: dict[str, float] = {}
    for key, seconds in after.items():
        if key != "wall":
            group = key.split("/")[0]
            spent[group] = spent.get(group, 0.0) + seconds - before.get(key, 0.0)
    return spent
