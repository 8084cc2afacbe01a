"""The ``tandem-matching`` executable: ``solve-graph`` starts without the CLI framework.

Typer loads pydantic to read signatures, which costs more than solving a 300-person graph;
the solver's one positional argument needs none of it. Everything else goes to typer.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    """Run ``solve-graph INPUT.json`` directly, any other command through :mod:`.cli`."""
    # Before numpy loads: OpenBLAS starts a thread per host core, and on a service sharing its
    # cores (or capped by a CPU limit it cannot see) those threads spin against each other; one
    # thread cost a third less CPU per 10k-person plan on two busy cores. Ops may override it.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    args = sys.argv[1:]
    if len(args) == 2 and args[0] == "solve-graph" and not args[1].startswith("-"):
        from tandem_matching.graph_cli import solve_graph_main

        raise SystemExit(solve_graph_main(args[1]))
    from tandem_matching.cli import app

    app()
