"""Duals that only guide the augmenting paths stop early; the exact finish never gets those
(decision 0041)."""

from __future__ import annotations

from unittest.mock import patch

import networkx as nx
import numpy as np
from hypothesis import given, settings

from tandem_matching.domain import solver
from tandem_matching.domain.relaxation import doubled_duals, relax

from .test_solver import Graph, _best_weights, _solve, graphs

EDGES = [(0, 1, 13), (0, 2, 19), (0, 3, 8), (0, 4, 15), (0, 5, 9), (1, 3, 15), (1, 7, 15)]
EDGES += [(2, 3, 4), (2, 7, 6), (3, 5, 12), (3, 6, 10), (4, 6, 7)]


def _optimum(graph: Graph) -> float:
    n, edges = graph
    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_weighted_edges_from((a, b, w) for (a, b), w in _best_weights(edges).items())
    best = nx.max_weight_matching(g, maxcardinality=True)
    return round(sum(g[a][b]["weight"] for a, b in best), 6)


def test_settled_duals_stop_before_the_shortest_paths_do() -> None:
    us, vs, ws = (np.array(column) for column in zip(*EDGES, strict=True))
    relaxation = relax(8, us, vs, ws)
    full = doubled_duals(relaxation)
    assert np.all(full[us] + full[vs] >= 2 * ws)  # feasible
    assert not np.array_equal(doubled_duals(relaxation, settled=1.0), full)


@settings(max_examples=150)
@given(graph=graphs())
def test_an_exact_answer_never_uses_guiding_duals(graph: Graph) -> None:
    # A guide that stops at once: only the exact finish's own, full duals can prove the optimum.
    with patch.object(solver, "_GUIDE_SETTLED", 1.0):
        result = _solve(graph, exact=True)
        guided = _solve(graph, exact=False)
    assert result.exact or not graph[1]
    assert round(result.weight, 6) == _optimum(graph)
    assert guided.cardinality == result.cardinality
    assert guided.weight <= guided.upper_bound + 1e-9
