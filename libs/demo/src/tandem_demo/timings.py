"""How long each phase of a demo took: shown at the end, kept in .local/demo-timings.json.

`make demo` stamps the phases before the driver (setup, stack, services) into the file named by
TANDEM_DEMO_STAMPS, one "phase epoch-seconds" line each; the driver adds its own phases.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

from rich.table import Table

STAMPS_VARIABLE = "TANDEM_DEMO_STAMPS"


@dataclass
class Phase:
    """One phase's wall time, the CPU time the driver and the stack (services, Kafka,
    PostgreSQL) spent in it, and the 1-minute load at its end (on a shared machine the CPU
    times say more than the wall time)."""

    name: str
    seconds: float
    driver_cpu_seconds: float | None = None
    stack_cpu_seconds: float | None = None
    load_after: float | None = None


def _first_numbers(files: list[Path]) -> set[int]:
    found = set()
    for path in files:
        with contextlib.suppress(ValueError, OSError, IndexError):
            found.add(int(path.read_text().split()[0]))
    return found


def stack_cpu(local: Path) -> dict[int, float]:
    """CPU seconds so far of each process of the local stack: the services and Kafka (each in
    the process group its pid file names) and PostgreSQL (the postmaster's children)."""
    groups = _first_numbers(list((local / "run").glob("*.pid")))
    parents = _first_numbers([local / "pg" / "data" / "postmaster.pid"])
    ticks = os.sysconf("SC_CLK_TCK")
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()  # state, ppid, pgrp, ...
            pid = int(stat.parent.name)
            if int(fields[2]) in groups or int(fields[1]) in parents or pid in parents:
                found[pid] = (int(fields[11]) + int(fields[12])) / ticks
    return found


@dataclass
class Phases:
    """The phases of one run, in order."""

    done: list[Phase] = field(default_factory=list)
    began: float = field(default_factory=time.time)  # epoch seconds: make's stamps use them too
    local: Path | None = None  # .local: where the stack's processes are named

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """Time the block as phase ``name`` (also when it fails: the run stops there)."""
        wall, cpu = time.perf_counter(), time.process_time()
        before = stack_cpu(self.local) if self.local else {}
        try:
            yield
        finally:
            after = stack_cpu(self.local) if self.local else {}
            # A process restarted in the phase counts from zero; one that ended loses its tail.
            spent = sum(cpu_now - before.get(pid, 0.0) for pid, cpu_now in after.items())
            self.done.append(
                Phase(
                    name,
                    time.perf_counter() - wall,
                    time.process_time() - cpu,
                    spent if self.local else None,
                    os.getloadavg()[0],
                )
            )

    def after_make(self, stamps: Path | None) -> None:
        """Put the phases make stamped before the driver first, and the driver's start-up."""
        if stamps is None or not stamps.exists():
            return
        lines = [line.rsplit(" ", 1) for line in stamps.read_text().splitlines() if " " in line]
        marks = [(name, float(epoch)) for name, epoch in lines]
        made = [Phase(name, at - before) for (_, before), (name, at) in pairwise(marks)]
        if marks:
            made.append(Phase("driver start-up (uv run, imports)", self.began - marks[-1][1]))
            self.began = marks[0][1]
        self.done[:0] = made

    def total(self) -> float:
        """Wall time from the first stamp (or the driver's start) to now."""
        return time.time() - self.began

    def table(self) -> Table:
        """The phases as the run's last table."""
        table = Table(title=f"Wall time: {self.total():.0f} s")
        for column in ("phase", "seconds", "driver CPU s", "stack CPU s", "load after"):
            table.add_column(column, justify="left" if column == "phase" else "right")
        for p in self.done:
            figures = (p.seconds, p.driver_cpu_seconds, p.stack_cpu_seconds, p.load_after)
            table.add_row(p.name, *("" if f is None else f"{f:.1f}" for f in figures))
        return table

    def write(self, path: Path, **run: Any) -> Path:
        """Keep the phases as JSON, with the run's options and the load, for quoting."""
        path.parent.mkdir(parents=True, exist_ok=True)
        body = {
            "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
            **run,
            "total_seconds": round(self.total(), 1),
            "loadavg_at_end": list(os.getloadavg()),
            "phases": [
                {k: round(v, 2) if isinstance(v, float) else v for k, v in vars(p).items()}
                for p in self.done
            ],
        }
        path.write_text(json.dumps(body, indent=2) + "\n")
        return path


def stamps_file() -> Path | None:
    """The stamps `make demo` wrote for this run, if it was started by make."""
    named = os.environ.get(STAMPS_VARIABLE)
    return Path(named) if named else None
