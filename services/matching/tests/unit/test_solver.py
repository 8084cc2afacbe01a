"""Property tests of the matching solver against networkx and rustworkx."""

from __future__ import annotations

from unittest.mock import patch

import networkx as nx
import numpy as np
import pytest
import rustworkx as rx
from hypothesis import given
from hypothesis import strategies as st

from tandem_matching.domain import solver
from tandem_matching.domain.solver import Matching, solve

Graph = tuple[int, list[tuple[int, int, float]]]


WEIGHTS = {2: st.integers(0, 10_000), 0: st.integers(0, 3)}  # in units of 10**-decimals


@st.composite
def graphs(draw: st.DrawFn, max_nodes: int = 14, decimals: int = 2) -> Graph:
    """Small random graphs, repeated edges included, weights on a decimal grid."""
    n = draw(st.integers(0, max_nodes))
    pairs = [(a, b) for a in range(n) for b in range(a + 1, n)]
    if not pairs:
        return n, []
    # Pairs are drawn by index: a strategy over the pairs themselves is rebuilt at every draw.
    chosen = draw(st.lists(st.integers(0, len(pairs) - 1), max_size=3 * n))
    return n, [(*pairs[k], draw(WEIGHTS[decimals]) / 10**decimals) for k in chosen]


def _solve(graph: Graph, exact: bool | None = None, *, direct: bool = False) -> Matching:
    """Solve; unless `direct`, force the relaxation path even on graphs this small."""
    n, edges = graph
    with patch.object(solver, "_DIRECT_EDGES", solver._DIRECT_EDGES if direct else 0):
        return solve(
            n, [e[0] for e in edges], [e[1] for e in edges], [e[2] for e in edges], exact=exact
        )


def _best_weights(edges: list[tuple[int, int, float]]) -> dict[tuple[int, int], float]:
    best: dict[tuple[int, int], float] = {}
    for a, b, w in edges:
        key = (min(a, b), max(a, b))
        best[key] = max(best.get(key, 0.0), w)
    return best


def _assert_valid(graph: Graph, result: Matching) -> None:
    _, edges = graph
    best = _best_weights(edges)
    seen: set[int] = set()
    for a, b in result.pairs:
        assert (min(a, b), max(a, b)) in best
        assert a not in seen
        assert b not in seen
        seen.update((a, b))
    assert result.weight == pytest.approx(sum(best[min(a, b), max(a, b)] for a, b in result.pairs))
    assert result.weight <= result.upper_bound + 1e-6


def _networkx_optimum(graph: Graph) -> tuple[int, float]:
    n, edges = graph
    g = nx.Graph()
    g.add_nodes_from(range(n))
    for (a, b), w in _best_weights(edges).items():
        g.add_edge(a, b, weight=round(w * 100))
    chosen = nx.max_weight_matching(g, maxcardinality=True)
    return len(chosen), sum(g[a][b]["weight"] for a, b in chosen) / 100


def _rustworkx_optimum(graph: Graph) -> tuple[int, float]:
    n, edges = graph
    g = rx.PyGraph()
    g.add_nodes_from(range(n))
    for (a, b), w in _best_weights(edges).items():
        g.add_edge(a, b, round(w * 100))
    chosen = rx.max_weight_matching(g, max_cardinality=True, weight_fn=int)
    return len(chosen), sum(g.get_edge_data(a, b) for a, b in chosen) / 100


@given(graphs())
def test_exact_equals_networkx(graph: Graph) -> None:
    """Small graphs: a valid matching, maximum cardinality, the exact optimum weight."""
    result = _solve(graph)
    _assert_valid(graph, result)
    cardinality, weight = _networkx_optimum(graph)
    assert result.exact
    assert result.cardinality == cardinality
    assert result.weight == pytest.approx(weight, abs=1e-6)


@given(graphs(max_nodes=40, decimals=0))
def test_exact_equals_rustworkx_with_many_ties(graph: Graph) -> None:
    """Few distinct weights make many optima and degenerate duals; the weight must still match."""
    result = _solve(graph, exact=True)
    _assert_valid(graph, result)
    assert (result.cardinality, result.weight) == pytest.approx(_rustworkx_optimum(graph))


@given(st.integers(30, 120), st.integers(2, 24), st.integers(0, 2**32 - 1))
def test_approximate_regime_is_maximum_and_near_optimal(n: int, degree: int, seed: int) -> None:
    """Without the exact finish: maximum cardinality, within the bound; near-optimal if dense.

    Very sparse graphs (degree < 8) have many odd cycles and long augmenting paths: there the
    approximate regime only promises validity and cardinality (and auto mode is exact anyway).
    """
    rng = np.random.default_rng(seed)
    us = rng.integers(0, n, n * degree // 2)
    vs = rng.integers(0, n, n * degree // 2)
    keep = us != vs
    ws = np.round(rng.random(keep.sum()) * 100, 2)
    graph: Graph = (n, list(zip(us[keep].tolist(), vs[keep].tolist(), ws.tolist(), strict=True)))
    result = _solve(graph, exact=False)
    _assert_valid(graph, result)
    cardinality, weight = _rustworkx_optimum(graph)
    assert result.cardinality == cardinality
    assert weight <= result.upper_bound + 1e-6
    if degree >= 8:
        # Small graphs are the worst case (one long augmenting path is a large share of the
        # weight); at benchmark scale the loss is below 0.01 %, see bench/results/matching.json.
        assert result.weight >= 0.93 * weight


def test_weights_off_the_decimal_grid_are_not_claimed_exact() -> None:
    """Irrational-looking weights are rounded to fixed point; the result says so."""
    result = _solve((4, [(0, 1, 1 / 3), (1, 2, 2 / 3), (2, 3, 1 / 7), (0, 3, 0.5)]))
    assert result.cardinality == 2
    assert result.weight == pytest.approx(2 / 3 + 0.5)
    assert not result.exact


def test_cardinality_comes_before_weight() -> None:
    """A heavy middle edge loses to two light outer edges: more pairs first."""
    result = solve(4, [0, 1, 2], [1, 2, 3], [1.0, 100.0, 1.0])
    assert sorted(result.pairs) == [(0, 1), (2, 3)]
    assert result.weight == 2.0


@given(graphs(max_nodes=20))
def test_small_graph_shortcut_is_exact(graph: Graph) -> None:
    """The direct rustworkx path for tiny graphs gives the same optimum."""
    result = _solve(graph, direct=True)
    _assert_valid(graph, result)
    assert (result.cardinality, result.weight) == pytest.approx(_networkx_optimum(graph))


def test_empty_and_edgeless_graphs() -> None:
    """Nothing to match gives an empty, exact matching."""
    assert solve(0, [], [], []).pairs == []
    assert solve(5, [], [], []).exact


@pytest.mark.parametrize(
    ("us", "vs", "ws"),
    [([0], [0], [1.0]), ([0], [3], [1.0]), ([0], [1], [-1.0]), ([0], [1], [float("nan")])],
)
def test_invalid_edges_are_rejected(us: list[int], vs: list[int], ws: list[float]) -> None:
    """Self-loops, unknown endpoints, negative or NaN weights raise ValueError."""
    with pytest.raises(ValueError):
        solve(3, us, vs, ws)
