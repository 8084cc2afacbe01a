"""``tandem-matching solve-graph`` hands the file to the solver's entry point."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tandem_matching.cli import app


def test_solve_graph_prints_the_matching(tmp_path: Path) -> None:
    graph = tmp_path / "g.json"
    graph.write_text(json.dumps({"nodes": ["a", "b", "c"], "edges": [["a", "b", 2]]}))
    result = CliRunner().invoke(app, ["solve-graph", str(graph)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["pairs"] == [["a", "b"]]


def test_solve_graph_exits_2_on_bad_input(tmp_path: Path) -> None:
    graph = tmp_path / "g.json"
    graph.write_text('{"nodes": ["a"], "edges": [["a", "zed", 1]]}')
    result = CliRunner().invoke(app, ["solve-graph", str(graph)])
    assert result.exit_code == 2
