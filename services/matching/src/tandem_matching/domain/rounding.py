"""Turning the half-integral relaxation into a matching, and fixing it exactly where affordable."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import rustworkx as rx

if TYPE_CHECKING:
    from tandem_matching.domain.relaxation import Relaxation

UNMATCHED = -1


def round_relaxation(relaxation: Relaxation) -> np.ndarray:
    """Mates from the assignment: 2-cycles kept, longer cycles cut into best alternate edges."""
    successor = relaxation.successor
    n = successor.size
    people = np.arange(n)
    mate = np.full(n, UNMATCHED, dtype=np.int64)
    paired = (successor[successor] == people) & (successor != people)
    mate[paired] = successor[paired]
    seen = paired | (successor == people)
    for start in np.flatnonzero(~seen).tolist():
        if seen[start]:
            continue
        cycle = [start]
        seen[start] = True
        nxt = int(successor[start])
        while nxt != start:
            cycle.append(nxt)
            seen[nxt] = True
            nxt = int(successor[nxt])
        _cut_cycle(np.asarray(cycle), relaxation.assigned_weight, mate)
    return mate


def _cut_cycle(cycle: np.ndarray, assigned_weight: np.ndarray, mate: np.ndarray) -> None:
    """Match the cycle c0->c1->... (edge i is c_i, c_i+1); an odd one leaves one person out."""
    k = cycle.size
    edge_weight = assigned_weight[cycle]
    # Taking edges first, first+2, ... (k // 2 of them); for odd k that skips vertex first-1.
    doubled = np.concatenate([edge_weight, edge_weight])
    starts = range(2) if k % 2 == 0 else range(k)
    totals = [int(doubled[s : s + 2 * (k // 2) : 2].sum()) for s in starts]
    first = int(np.argmax(totals))
    for step in range(k // 2):
        i = (first + 2 * step) % k
        a, b = int(cycle[i]), int(cycle[(i + 1) % k])
        mate[a], mate[b] = b, a


def exact_finish(
    n: int,
    us: np.ndarray,
    vs: np.ndarray,
    w: np.ndarray,
    doubled_dual: np.ndarray,
    slack2: int,
    max_piece: int,
) -> np.ndarray | None:
    """Optimal mates, or None if a piece exceeds `max_piece` people.

    LP reduced-cost fixing: with y feasible and a known matching of weight L = sum(y) - slack,
    every optimal matching uses only edges with reduced cost <= slack and leaves only people with
    y_v <= slack unmatched. Keeping those edges, people who must be matched and have one edge
    left are paired off, and the rest falls apart into small pieces solved by rustworkx.
    """
    reduced2 = doubled_dual[us] + doubled_dual[vs] - 2 * w
    keep = np.flatnonzero(reduced2 <= slack2)
    must_match = doubled_dual > slack2
    kept_u, kept_v, kept_w = us[keep], vs[keep], w[keep]
    adjacency: list[set[int]] = [set() for _ in range(n)]
    for a, b in zip(kept_u.tolist(), kept_v.tolist(), strict=True):
        adjacency[a].add(b)
        adjacency[b].add(a)
    mate = np.full(n, UNMATCHED, dtype=np.int64)
    removed = np.zeros(n, dtype=bool)
    stack = [v for v in range(n) if len(adjacency[v]) == 1 and must_match[v]]
    while stack:
        v = stack.pop()
        if removed[v] or len(adjacency[v]) != 1:
            continue
        (u,) = adjacency[v]
        mate[v], mate[u] = u, v
        for gone in (v, u):
            removed[gone] = True
            for x in adjacency[gone]:
                adjacency[x].discard(gone)
                if len(adjacency[x]) == 1 and must_match[x] and not removed[x]:
                    stack.append(x)
            adjacency[gone] = set()
    alive = ~removed[kept_u] & ~removed[kept_v]
    kept_u, kept_v, kept_w = kept_u[alive], kept_v[alive], kept_w[alive]
    # scipy loads here, not at import: a small graph is solved without it (fast CLI start).
    import scipy.sparse as sp
    from scipy.sparse.csgraph import connected_components

    graph = sp.coo_matrix((np.ones(kept_u.size), (kept_u, kept_v)), shape=(n, n))
    _, piece = connected_components(graph, directed=False)
    involved = np.unique(np.concatenate([kept_u, kept_v]))
    if involved.size and np.bincount(piece[involved]).max() > max_piece:
        return None
    order = np.argsort(piece[kept_u], kind="stable")
    bounds = np.searchsorted(piece[kept_u][order], np.unique(piece[kept_u]))
    for chunk in np.split(order, bounds[1:]) if order.size else []:
        solve_piece(kept_u[chunk], kept_v[chunk], kept_w[chunk], mate)
    return mate


def solve_piece(us: np.ndarray, vs: np.ndarray, w: np.ndarray, mate: np.ndarray) -> None:
    """Exact max-cardinality max-weight matching of one connected piece, written into `mate`."""
    if us.size == 1:
        a, b = int(us[0]), int(vs[0])
        mate[a], mate[b] = b, a
        return
    people, local = np.unique(np.concatenate([us, vs]), return_inverse=True)
    graph = rx.PyGraph()
    graph.add_nodes_from(range(people.size))
    half = us.size
    graph.add_edges_from(
        list(zip(local[:half].tolist(), local[half:].tolist(), w.tolist(), strict=True))
    )
    for a, b in rx.max_weight_matching(graph, max_cardinality=True, weight_fn=int):
        pa, pb = int(people[a]), int(people[b])
        mate[pa], mate[pb] = pb, pa
