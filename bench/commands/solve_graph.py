"""Start-to-finish time of ``tandem-matching solve-graph`` on a 300-person graph.

Each run is a fresh process, as a user would start it: the figure is mostly start-up and
imports. Compared with the same command forced through the numpy solver. Prints JSON.
Usage: .venv/bin/python bench/commands/solve_graph.py [--runs 7]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PEOPLE, EDGES = 300, 1189
FORCED_NUMPY = (
    "import sys; from tandem_matching import graph_cli as g; g.DIRECT_EDGES = 0; "
    "sys.exit(g.solve_graph_main(sys.argv[1]))"
)


def graph_file(folder: Path) -> Path:
    """A seeded random graph: 300 people, 1,189 candidate pairs, weights with 2 decimals."""
    rng = random.Random(1)
    nodes = [f"p{i}" for i in range(PEOPLE)]
    edges: set[tuple[int, int]] = set()
    while len(edges) < EDGES:
        a, b = sorted(rng.sample(range(PEOPLE), 2))
        edges.add((a, b))
    body = [[nodes[a], nodes[b], round(rng.uniform(0, 100), 2)] for a, b in sorted(edges)]
    path = folder / "graph300.json"
    path.write_text(json.dumps({"nodes": nodes, "edges": body}))
    return path


def timed(command: list[str], runs: int) -> dict[str, float]:
    """Median wall and CPU seconds (user + system) of ``runs`` fresh processes."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    median = statistics.median
    return {"wall_s": round(median(walls), 3), "cpu_s": round(median(cpus), 3)}


def main() -> None:
    """Measure both paths and print them with the load average."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    command = shutil.which("tandem-matching", path=str(Path(sys.executable).parent))
    assert command, "tandem-matching is not installed in this virtual environment"
    with tempfile.TemporaryDirectory() as folder:
        path = str(graph_file(Path(folder)))
        fast = timed([command, "solve-graph", path], runs)
        numpy = timed([sys.executable, "-c", FORCED_NUMPY, path], runs)
    print(
        json.dumps(
            {
                "graph": {"people": PEOPLE, "edges": EDGES},
                "runs": runs,
                "load_average_1m": round(os.getloadavg()[0], 1),
                "solve_graph": fast,
                "through_numpy_solver": numpy,
            }
        )
    )


if __name__ == "__main__":
    main()
