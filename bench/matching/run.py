"""Matching benchmark: our solver against rustworkx and networkx on synthetic participant pools.

Run: .venv/bin/python bench/matching/run.py [--quick]
Each solver runs in a fresh subprocess on the same saved graph, so peak RSS is its own.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from pools import make_pool  # noqa: E402

SIZES = [200, 1000, 2000, 10_000, 100_000]
QUICK_SIZES = [200, 1000, 2000]
PEER_LIMIT = {"rustworkx": 10_000, "networkx": 2_000}
COMMAND = ".venv/bin/python bench/matching/run.py"


def run_one(solver: str, graph_file: str) -> dict[str, float | int]:
    """Inside the child: load the graph, solve it once, report time, weight, size and RSS."""
    data = np.load(graph_file)
    n, us, vs, ws = int(data["n"]), data["us"], data["vs"], data["ws"]
    cents = np.rint(ws * 100).astype(np.int64)
    # Imports happen before the clock starts: we time solving, not loading libraries.
    import networkx as nx
    import rustworkx as rx

    from tandem_matching.domain.solver import solve

    started = time.perf_counter()
    if solver == "ours":
        result = solve(n, us, vs, ws)
        pairs, weight = result.pairs, round(result.weight * 100)
    elif solver == "rustworkx":
        graph = rx.PyGraph()
        graph.add_nodes_from(range(n))
        graph.add_edges_from(list(zip(us.tolist(), vs.tolist(), cents.tolist(), strict=True)))
        pairs = list(rx.max_weight_matching(graph, max_cardinality=True, weight_fn=int))
        weight = sum(graph.get_edge_data(a, b) for a, b in pairs)
    else:
        graph = nx.Graph()
        graph.add_nodes_from(range(n))
        graph.add_weighted_edges_from(zip(us.tolist(), vs.tolist(), cents.tolist(), strict=True))
        pairs = list(nx.max_weight_matching(graph, maxcardinality=True))
        weight = sum(graph[a][b]["weight"] for a, b in pairs)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "weight": weight / 100,
        "cardinality": len(pairs),
        "peak_rss_mb": peak_rss_mb(),
    }


def peak_rss_mb() -> float:
    """This process's own peak RSS.

    Linux carries the parent's RSS at fork into ru_maxrss across exec, so a child of a big
    parent would over-report; VmHWM belongs to this address space only.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(solver: str, graph_file: str) -> dict[str, float | int]:
    """Run one solver in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", solver, graph_file],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def bench_size(n: int, workdir: Path, progress: Progress, task: object) -> dict[str, object]:
    """All solvers on one pool size."""
    pool = make_pool(n, seed=n)
    graph_file = str(workdir / f"pool_{n}.npz")
    np.savez(graph_file, n=n, us=pool.us, vs=pool.vs, ws=pool.ws)
    edges = int(pool.us.size)
    del pool
    progress.update(task, description=f"n={n}: ours")
    ours = measure("ours", graph_file)
    peers: dict[str, dict[str, float | int] | None] = {}
    for peer, limit in PEER_LIMIT.items():
        progress.update(task, description=f"n={n}: {peer}")
        peers[peer] = measure(peer, graph_file) if n <= limit else None
    rxr, nxr = peers["rustworkx"], peers["networkx"]
    return {
        "n": n,
        "edges": edges,
        "seconds": round(float(ours["seconds"]), 4),
        "weight": ours["weight"],
        "cardinality": ours["cardinality"],
        "rustworkx_seconds": round(float(rxr["seconds"]), 4) if rxr else None,
        "rustworkx_weight": rxr["weight"] if rxr else None,
        "rustworkx_cardinality": rxr["cardinality"] if rxr else None,
        "networkx_seconds": round(float(nxr["seconds"]), 4) if nxr else None,
        "weight_ratio": round(float(ours["weight"]) / float(rxr["weight"]), 6) if rxr else None,
        "speed_ratio": round(float(rxr["seconds"]) / float(ours["seconds"]), 2) if rxr else None,
        "peak_rss_mb": round(float(ours["peak_rss_mb"]), 1),
    }


def render(rows: list[dict[str, object]]) -> Table:
    """The results as a rich table."""
    table = Table(title="Matching solver vs peers")
    columns = [
        "n",
        "edges",
        "seconds",
        "rustworkx_seconds",
        "networkx_seconds",
        "speed_ratio",
        "weight_ratio",
        "cardinality",
        "rustworkx_cardinality",
        "peak_rss_mb",
    ]
    for column in columns:
        table.add_column(column, justify="right")
    for row in rows:
        table.add_row(*("—" if row[c] is None else str(row[c]) for c in columns))
    return table


def markdown(rows: list[dict[str, object]]) -> str:
    """The performance.md section for these figures."""
    lines = [
        "## Matching solver",
        "",
        f"Command: `{COMMAND}` (writes `bench/results/matching.json`). Synthetic pools: levels",
        "1-8, departments, office time zones; candidates only within a level gap of 2 and 7 hours,",
        "about 50 each; weights in [0, 100] with 2 decimals. Each solver runs in a fresh process;",
        "times include building the peer's graph from the same arrays. Peak RSS is our solver's",
        "process (VmHWM). n <= 2,000 is exact (proven); above, maximum cardinality and the LP",
        "bound. The machine is shared, so absolute times vary run to run; ratios are steadier.",
        "",
        "| n | edges | ours (s) | rustworkx (s) | networkx (s) | speed-up | weight ratio "
        "| cardinality equal | peak RSS (MB) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: | ---: |",
    ]
    for r in rows:
        same = (
            "—"
            if r["rustworkx_cardinality"] is None
            else ("yes" if r["rustworkx_cardinality"] == r["cardinality"] else "NO")
        )
        cells = [
            r["n"],
            r["edges"],
            r["seconds"],
            r["rustworkx_seconds"],
            r["networkx_seconds"],
            r["speed_ratio"],
            r["weight_ratio"],
            same,
            r["peak_rss_mb"],
        ]
        lines.append("| " + " | ".join("—" if c is None else str(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def write_section(section: str) -> None:
    """Replace only the "## Matching solver" section of docs/performance.md."""
    path = ROOT / "docs" / "performance.md"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n"
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip() == "## Matching solver"), None)
    if start is None:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines)
        )
        tail = "".join(lines[end:])
        text = "".join(lines[:start]) + section + ("\n" + tail if tail else "")
    path.write_text(text, encoding="utf-8")


def main() -> None:
    """Run every size, write the JSON and the docs section, print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="only n <= 2000")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_one(*args.child)))
        return
    sizes = QUICK_SIZES if args.quick else SIZES
    console = Console()
    rows = []
    with tempfile.TemporaryDirectory() as tmp, Progress(console=console) as progress:
        task = progress.add_task("matching", total=len(sizes))
        for n in sizes:
            rows.append(bench_size(n, Path(tmp), progress, task))
            progress.advance(task)
    out = ROOT / "bench" / "results" / "matching.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"command": COMMAND, "sizes": rows}, indent=2) + "\n")
    if not args.quick:
        write_section(markdown(rows))
    console.print(render(rows))


if __name__ == "__main__":
    main()
