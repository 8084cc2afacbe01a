"""How long each phase of a demo took: shown at the end, kept in .local/demo-timings.json.

`make demo` stamps the phases before the driver (setup, stack, services) into the file named by
TANDEM_DEMO_STAMPS, one "phase epoch-seconds" line each; the driver adds its own phases.
"""

from __future__ import annotations

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
    """One phase's wall time, the driver's CPU time in it and the 1-minute load at its end."""

    name: str
    seconds: float
    driver_cpu_seconds: float | None = None
    load_after: float | None = None


@dataclass
class Phases:
    """The phases of one run, in order."""

    done: list[Phase] = field(default_factory=list)
    began: float = field(default_factory=time.time)  # epoch seconds: make's stamps use them too

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """Time the block as phase ``name`` (also when it fails: the run stops there)."""
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.done.append(
                Phase(
                    name,
                    time.perf_counter() - wall,
                    time.process_time() - cpu,
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
        for column in ("phase", "seconds", "driver CPU s", "load after"):
            table.add_column(column, justify="left" if column == "phase" else "right")
        for p in self.done:
            cpu = "" if p.driver_cpu_seconds is None else f"{p.driver_cpu_seconds:.1f}"
            load = "" if p.load_after is None else f"{p.load_after:.1f}"
            table.add_row(p.name, f"{p.seconds:.1f}", cpu, load)
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
