"""Small graphs without numpy: the solver's tiny-graph path, for the ``solve-graph`` command.

Importing numpy costs more than solving a graph of a few thousand edges, so the command solves
such graphs here by the steps ``solver.solve`` takes for them: canonical edges (the heaviest
copy wins), weights on a decimal grid, rustworkx's exact blossom on the people the edges touch.
"""

from __future__ import annotations

from collections.abc import Sequence

import rustworkx as rx

# Up to this many edges rustworkx alone is quicker than any preparation (as in the solver).
DIRECT_EDGES = 5_000
# Integer weights times n must stay exact in float64 (the solver's bound too).
_FLOAT_EXACT = 2.0**50

Pair = tuple[int, int]


def solve_small(
    n: int, us: Sequence[int], vs: Sequence[int], ws: Sequence[float]
) -> tuple[list[Pair], float]:
    """Maximum-cardinality matching of greatest weight: its pairs (sorted) and its weight."""
    heaviest: dict[Pair, float] = {}
    for u, v, w in zip(us, vs, ws, strict=True):
        edge = (u, v) if u < v else (v, u)
        heaviest[edge] = max(w, heaviest.get(edge, w))
    edges = sorted(heaviest)
    if len(edges) <= 1:
        return edges, float(sum(heaviest.values()))
    grid = integer_weights([heaviest[e] for e in edges], n)
    people = sorted({person for edge in edges for person in edge})
    local = {person: i for i, person in enumerate(people)}
    graph = rx.PyGraph()
    graph.add_nodes_from(range(len(people)))
    graph.add_edges_from([(local[a], local[b], w) for (a, b), w in zip(edges, grid, strict=True)])
    found = rx.max_weight_matching(graph, max_cardinality=True, weight_fn=int)
    pairs = sorted(_ordered(people[a], people[b]) for a, b in found)
    return pairs, float(sum(heaviest[pair] for pair in pairs))


def integer_weights(weights: Sequence[float], n: int) -> list[int]:
    """Weights as integers: on the coarsest exact decimal grid, else the finest safe one."""
    top = max(weights)
    if top == 0.0:
        return [0] * len(weights)
    for decimals in range(7):
        scale = 10.0**decimals
        if top * scale * (n + 1) > _FLOAT_EXACT:
            break
        scaled = [w * scale for w in weights]
        rounded = [round(s) for s in scaled]
        if all(abs(s - r) <= 1e-9 * max(1.0, s) for s, r in zip(scaled, rounded, strict=True)):
            return rounded
    factor = _FLOAT_EXACT / (n + 1) / top
    return [round(w * factor) for w in weights]


def _ordered(a: int, b: int) -> Pair:
    return (a, b) if a < b else (b, a)
