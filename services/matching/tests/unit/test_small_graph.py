"""The numpy-free path for small graphs: the solver's answer, without loading numpy or typer."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tandem_matching import graph_cli
from tandem_matching.domain.small_graph import integer_weights, solve_small
from tandem_matching.domain.solver import solve

from .test_solver import Graph, graphs

WEB = ("fastapi", "starlette", "uvicorn", "asyncpg", "aiokafka", "opentelemetry")


def _arrays(graph: Graph) -> tuple[int, list[int], list[int], list[float]]:
    n, edges = graph
    return n, [a for a, _, _ in edges], [b for _, b, _ in edges], [w for _, _, w in edges]


@given(st.one_of(graphs(), graphs(decimals=0), graphs(max_nodes=40)))
def test_small_graphs_get_the_solvers_pairs_and_weight(graph: Graph) -> None:
    n, us, vs, ws = _arrays(graph)
    pairs, weight = solve_small(n, us, vs, ws)
    expected = solve(n, us, vs, ws)
    assert pairs == expected.pairs
    assert weight == pytest.approx(expected.weight, rel=1e-12)


@given(st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=30))
def test_integer_weights_keep_the_order_of_any_weights(weights: list[float]) -> None:
    grid = integer_weights(weights, 100)
    for a, wa in zip(grid, weights, strict=True):
        for b, wb in zip(grid, weights, strict=True):
            assert wa <= wb or a >= b


def test_two_decimal_weights_land_on_the_cent_grid() -> None:
    assert integer_weights([0.5, 12.25, 3.0], 3) == [50, 1225, 300]
    assert integer_weights([0.0, 0.0], 3) == [0, 0]


def _graph_file(tmp_path: Path, people: int = 60) -> Path:
    nodes = [f"p{i}" for i in range(people)]
    edges = [
        [nodes[i], nodes[j], round((i * 37 + j * 11) % 97 + 0.25 * (i % 3), 2)]
        for i in range(people)
        for j in range(i + 1, min(people, i + 9))
    ]
    path = tmp_path / "graph.json"
    path.write_text(json.dumps({"nodes": nodes, "edges": edges}))
    return path


def test_above_the_small_limit_the_command_uses_the_full_solver_with_the_same_answer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = str(_graph_file(tmp_path))
    assert graph_cli.solve_graph_main(path) == 0
    small = json.loads(capsys.readouterr().out)
    monkeypatch.setattr(graph_cli, "DIRECT_EDGES", 0)
    assert graph_cli.solve_graph_main(path) == 0
    full = json.loads(capsys.readouterr().out)
    assert small["pairs"] == full["pairs"]
    assert small["weight"] == pytest.approx(full["weight"])


def test_the_solve_graph_command_loads_neither_numpy_nor_typer_nor_the_app(tmp_path: Path) -> None:
    path = _graph_file(tmp_path)
    probe = (
        "import sys\n"
        "from tandem_matching.entry import main\n"
        f"sys.argv = ['tandem-matching', 'solve-graph', {str(path)!r}]\n"
        "try:\n    main()\nexcept SystemExit as done:\n    assert done.code == 0\n"
        f"heavy = ('numpy', 'scipy', 'typer', 'tandem_service', *{WEB!r})\n"
        "print(sorted(m for m in heavy if m in sys.modules), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert len(json.loads(done.stdout)["pairs"]) == 30
    assert done.stderr.strip() == "[]"
