"""The augmenting search's cheap prefixes: found by searching sorted keys, as by scanning."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem_matching.domain.solver import _adjacency_by_cost, _first_at_or_after


@st.composite
def graphs(draw: st.DrawFn) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    n = draw(st.integers(2, 30))
    edges = draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.integers(-50, 4000)),
            min_size=1,
            max_size=120,
        )
    )
    u, v, cost = (np.array(column, dtype=np.int64) for column in zip(*edges, strict=True))
    return n, u, v, cost


@settings(max_examples=300)
@given(graphs())
def test_each_level_ends_at_the_first_arc_above_its_limit(
    graph: tuple[int, np.ndarray, np.ndarray, np.ndarray],
) -> None:
    n, u, v, cost = graph
    indptr, heads, level_ends = _adjacency_by_cost(n, u, v, cost)
    costs = np.concatenate([cost, cost])[np.lexsort((np.r_[cost, cost], np.r_[u, v]))]
    positive = costs[costs > 0]
    step = float(np.median(positive)) / 64 if positive.size else 1.0
    limits = [0.0]
    while positive.size and limits[-1] < positive.max():
        limits.append(step * 4 ** (len(limits) - 1))
    assert len(level_ends) == len(limits)
    for limit, ends in zip(limits[:-1], level_ends, strict=False):
        scanned = _first_at_or_after(indptr, np.flatnonzero(costs > limit))
        assert ends.tolist() == scanned.tolist()
    assert level_ends[-1].tolist() == indptr[1:].tolist()
    assert heads.size == 2 * u.size
