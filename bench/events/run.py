"""All event-backbone benchmarks: commands/s, relay throughput, projection catch-up.

    .venv/bin/python bench/events/run.py [--quick] [--json PATH]

A full run records every figure in bench/results/events.json and the "## Event backbone"
section of docs/performance.md; ``--quick`` is a seconds-long smoke run that records nothing.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import append
import projection
import relay
from _common import console, parser


def main(argv: list[str] | None = None) -> dict[str, float]:
    args = parser(__doc__ or "").parse_args(argv)
    passed = [a for a in ("--quick", "--record") if getattr(args, a.strip("-"))]
    figures: dict[str, float] = {}
    for name, bench, extra in (
        ("commands", append, []),
        ("relay", relay, []),
        ("projection", projection, []),
    ):
        console.rule(f"[bold]events: {name}")
        figures.update(bench.main([*passed, *extra]))
    console.rule("[bold]events: all figures")
    console.print_json(json.dumps(figures))
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return figures


if __name__ == "__main__":
    os.environ.setdefault("OTEL_SDK_DISABLED", "true")
    main()
