"""The plain-graph entry point: output shape, and one-line errors with exit status 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tandem_matching.graph_cli import solve_graph_main


def _write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "graph.json"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_solves_with_original_ids(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """String and integer ids come back as given; duplicate edges keep their maximum."""
    graph = {
        "nodes": ["ana", "ben", 7, "dee"],
        "edges": [["ana", "ben", 1], ["ben", 7, 100.5], [7, "dee", 1], ["ana", "ben", 2.25]],
    }
    assert solve_graph_main(_write(tmp_path, json.dumps(graph))) == 0
    out = json.loads(capsys.readouterr().out)
    assert {frozenset(pair) for pair in out["pairs"]} == {
        frozenset(["ana", "ben"]),
        frozenset([7, "dee"]),
    }
    assert out["weight"] == pytest.approx(3.25)
    assert out["seconds"] >= 0


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('{"nodes": [1, 2], "edges": [[1, 3, 1.0]]}', "unknown node 3"),
        ('{"nodes": [1, 2], "edges": [[1, 2, -1]]}', "non-negative"),
        ('{"nodes": [1, 2], "edges": [[1, 2, "heavy"]]}', "not a number"),
        ('{"nodes": [1, 2], "edges": [[1, 2, true]]}', "not a number"),
        ('{"nodes": [1, 2], "edges": [[1, 2, NaN]]}', "NaN"),
        ('{"nodes": [1, 2], "edges": [[1, 1, 2]]}', "self-loop"),
        ('{"nodes": [1, 2], "edges": [[1, 2, 1]', "malformed JSON"),
        ('{"nodes": [1, 1], "edges": []}', "repeats id 1"),
        ('{"nodes": [1.5], "edges": []}', "not a string or integer"),
        ('{"nodes": [1, 2]}', '"nodes" and "edges"'),
        ("[1, 2]", '"nodes" and "edges"'),
        ('{"nodes": [1, 2], "edges": [[1, 2]]}', "edges[0] must be"),
        ('{"nodes": 3, "edges": []}', '"nodes" must be a list'),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, fragment: str
) -> None:
    """Each kind of bad input: status 2, nothing on stdout, one `error:` line naming it."""
    assert solve_graph_main(_write(tmp_path, text)) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: ")
    assert fragment in lines[0]


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An unreadable path is bad input too."""
    assert solve_graph_main(str(tmp_path / "absent.json")) == 2
    assert capsys.readouterr().err.startswith("error: cannot read")


def test_runs_as_module(tmp_path: Path) -> None:
    """`python -m tandem_matching.graph_cli INPUT.json` works end to end."""
    path = _write(tmp_path, '{"nodes": ["a", "b", "c"], "edges": [["a", "b", 3], ["b", "c", 4]]}')
    done = subprocess.run(
        [sys.executable, "-m", "tandem_matching.graph_cli", path],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    assert json.loads(done.stdout)["pairs"] == [["b", "c"]]
    bad = _write(tmp_path, "{")
    done = subprocess.run(
        [sys.executable, "-m", "tandem_matching.graph_cli", bad],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1
