"""Edmonds' augmenting paths reach maximum cardinality from any starting matching."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from tandem_matching.domain import solver
from tandem_matching.domain.augmenting import UNMATCHED, maximise_cardinality


def _random_graph(seed: int) -> tuple[int, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(4, 60))
    edges = max(1, n * int(rng.integers(1, 8)) // 2)
    us, vs = rng.integers(0, n, edges), rng.integers(0, n, edges)
    keep = us != vs
    u, v, _ = solver._canonical_edges(n, us[keep], vs[keep], np.ones(int(keep.sum())))
    return n, u, v


def _greedy_start(n: int, u: np.ndarray, v: np.ndarray, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed + 1)
    mate = np.full(n, UNMATCHED, dtype=np.int64)
    for k in rng.permutation(u.size):
        a, b = int(u[k]), int(v[k])
        if mate[a] == UNMATCHED and mate[b] == UNMATCHED and rng.random() < 0.7:
            mate[a], mate[b] = b, a
    return mate


@pytest.mark.parametrize("seed", [793, 1001, *range(0, 3000, 9)])
def test_any_start_grows_to_a_maximum_matching(seed: int) -> None:
    """Seeds 793 and 1001 (among others) once ended one pair short: a sub-blossom merged
    mid-walk hid its mate from the new blossom, so a failed search was not truly Hungarian."""
    n, u, v = _random_graph(seed)
    indptr, neighbours = solver._adjacency(n, u, v)
    mate = maximise_cardinality(n, indptr, neighbours, _greedy_start(n, u, v, seed))
    assert all(mate[mate[i]] == i for i in range(n) if mate[i] != UNMATCHED)
    matched = {(min(a, int(mate[a])), max(a, int(mate[a]))) for a in range(n) if mate[a] >= 0}
    assert matched <= set(zip(u.tolist(), v.tolist(), strict=True))
    graph = nx.Graph(zip(u.tolist(), v.tolist(), strict=True))
    assert len(matched) == len(nx.max_weight_matching(graph, maxcardinality=True))


def test_the_case_hypothesis_found_is_maximum() -> None:
    """n=38, degree 3, seed 1158: the rounded relaxation's 17 pairs must grow to 18."""
    rng = np.random.default_rng(1158)
    us, vs = rng.integers(0, 38, 57), rng.integers(0, 38, 57)
    keep = us != vs
    ws = np.round(rng.random(int(keep.sum())) * 100, 2)
    graph = nx.Graph()
    graph.add_weighted_edges_from(
        zip(us[keep].tolist(), vs[keep].tolist(), ws.tolist(), strict=True)
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(solver, "_DIRECT_EDGES", 0)  # force the relaxation path
        result = solver.solve(38, us[keep], vs[keep], ws, exact=False)
    assert result.cardinality == len(nx.max_weight_matching(graph, maxcardinality=True)) == 18
