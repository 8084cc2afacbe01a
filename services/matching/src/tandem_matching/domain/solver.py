"""Maximum-cardinality, maximum-weight matching of a candidate graph: exact where affordable.

Pipeline (see docs/decisions/0003-matching-solver.md):
1. weights become integers (decimal grid), parallel edges keep their maximum;
2. the fractional matching relaxation is solved as an assignment on the double cover (scipy);
   its value bounds every matching from above;
3. its half-integral solution is rounded and completed to maximum cardinality by Edmonds'
   augmenting paths;
4. where affordable, LP duals fix all but a few edges and rustworkx's exact blossom solves the
   small pieces left, which gives the exact optimum.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tandem_matching.domain.augmenting import UNMATCHED, maximise_cardinality
from tandem_matching.domain.rounding import exact_finish, round_relaxation, solve_piece

# Integer weights times n must stay exact in float64 inside the assignment solver.
_FLOAT_EXACT = 2.0**50
# Largest piece handed to rustworkx (its blossom is about cubic) when exactness is not forced.
_MAX_PIECE = 4000
# Above this many people the exact finish costs more than rustworkx's n^2 term allows.
_AUTO_EXACT_LIMIT = 5_000
# Up to this many edges rustworkx alone is quicker than any preparation.
_DIRECT_EDGES = 5_000
# Up to this many people duals guide the augmenting paths (about 0.2 s at 10k people).
_DUALS_LIMIT = 30_000
# Duals that only guide stop once at most this share of people still moves: the last half
# of the rounds moves a few people each (10k: 113 rounds -> 64, within 0.003 % of the weight).
_GUIDE_SETTLED = 0.03


@dataclass(frozen=True)
class Matching:
    """A matching: pairs of people, its total weight, and how close to optimal it is known to be."""

    pairs: list[tuple[int, int]]
    weight: float
    exact: bool
    upper_bound: float

    @property
    def cardinality(self) -> int:
        """Number of pairs."""
        return len(self.pairs)


def solve(
    n: int,
    us: Sequence[int] | np.ndarray,
    vs: Sequence[int] | np.ndarray,
    ws: Sequence[float] | np.ndarray,
    *,
    exact: bool | None = None,
) -> Matching:
    """Maximum-cardinality matching of greatest weight among nodes 0..n-1.

    `exact=None` proves optimality when that is affordable, `True` always, `False` never
    (then the result is maximum cardinality and within `upper_bound` of the optimum).
    """
    u, v, weight = _canonical_edges(n, us, vs, ws)
    if u.size == 0:
        return Matching(pairs=[], weight=0.0, exact=True, upper_bound=0.0)
    w, unit, on_grid = _integer_weights(weight, n)
    if u.size <= _DIRECT_EDGES:
        # Tiny graphs: the relaxation's fixed costs exceed rustworkx's whole run.
        mate = np.full(n, UNMATCHED, dtype=np.int64)
        solve_piece(u, v, w, mate)
        total = float(weight[_matched_edges(mate, u, v, n)].sum())
        return _as_matching(mate, u, v, weight, n, exact=on_grid, upper_bound=total)
    # The relaxation needs scipy: loaded only for graphs that get this far.
    from tandem_matching.domain.relaxation import doubled_duals, relax

    relaxation = relax(n, u, v, w)
    mate = round_relaxation(relaxation)
    bound2 = relaxation.bound2
    proven = False
    finishing = exact is True or (exact is None and n <= _AUTO_EXACT_LIMIT)
    if exact is not True and n > _DUALS_LIMIT:
        # At scale the few people the rounding leaves out are re-matched along any augmenting
        # path: the dual pass would cost more than the weight it saves.
        del relaxation
        indptr, neighbours = _adjacency(n, u, v)
        mate = maximise_cardinality(n, indptr, neighbours, mate)
    else:
        # The exact finish needs feasible duals; a guide does with close ones.
        duals = doubled_duals(relaxation, settled=0.0 if finishing else _GUIDE_SETTLED)
        reduced2 = duals[u] + duals[v] - 2 * w
        indptr, neighbours, level_ends = _adjacency_by_cost(n, u, v, reduced2)
        mate = maximise_cardinality(n, indptr, neighbours, mate, level_ends)
    if finishing:
        slack2 = int(duals.sum()) - 2 * _mate_weight(mate, u, v, w, n)
        finished = exact_finish(n, u, v, w, duals, slack2, max_piece=n if exact else _MAX_PIECE)
        if finished is not None:
            mate, proven = finished, True
    return _as_matching(
        mate, u, v, weight, n, exact=proven and on_grid, upper_bound=bound2 / 2 * unit
    )


def _canonical_edges(
    n: int,
    us: Sequence[int] | np.ndarray,
    vs: Sequence[int] | np.ndarray,
    ws: Sequence[float] | np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Edges as u < v, sorted, without repeats (the heaviest copy wins)."""
    u = np.asarray(us, dtype=np.int64).ravel()
    v = np.asarray(vs, dtype=np.int64).ravel()
    weight = np.asarray(ws, dtype=np.float64).ravel()
    if not (u.size == v.size == weight.size):
        raise ValueError("us, vs and ws must have the same length")
    if u.size and (min(u.min(), v.min()) < 0 or max(u.max(), v.max()) >= n):
        raise ValueError("edge endpoint outside 0..n-1")
    if np.any(u == v):
        raise ValueError("self-loop")
    if not np.all(np.isfinite(weight)) or np.any(weight < 0):
        raise ValueError("weights must be finite and non-negative")
    lo, hi = np.minimum(u, v), np.maximum(u, v)
    key = lo * n + hi
    if np.all(key[1:] > key[:-1]):
        return lo, hi, weight  # already sorted, no repeats: the candidate graph's edges
    order = np.lexsort((-weight, key))
    key, weight = key[order], weight[order]
    first = np.r_[True, key[1:] != key[:-1]] if key.size else np.zeros(0, bool)
    key, weight = key[first], weight[first]
    return key // n, key % n, weight


def _integer_weights(weight: np.ndarray, n: int) -> tuple[np.ndarray, float, bool]:
    """Integer weights, the size of one integer unit, and whether the scaling is exact."""
    top = float(weight.max())
    if top == 0.0:
        return np.zeros(weight.size, dtype=np.int64), 1.0, True
    for decimals in range(7):
        scaled = weight * 10.0**decimals
        if top * 10.0**decimals * (n + 1) > _FLOAT_EXACT:
            break
        rounded = np.rint(scaled)
        if np.all(np.abs(scaled - rounded) <= 1e-9 * np.maximum(1.0, scaled)):
            return rounded.astype(np.int64), 10.0**-decimals, True
    # Off the grid: fixed point with as many bits as stay exact; the optimum is then that of
    # the rounded weights, so it is not claimed as exact.
    factor = _FLOAT_EXACT / (n + 1) / top
    return np.rint(weight * factor).astype(np.int64), 1.0 / factor, False


def _adjacency(n: int, u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """CSR adjacency of the undirected graph (int32 neighbours to save memory at scale)."""
    tails = np.concatenate([u, v]).astype(np.int32)
    order = np.argsort(tails, kind="stable")
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(tails, minlength=n), out=indptr[1:])
    return indptr, np.concatenate([v, u]).astype(np.int32)[order]


def _adjacency_by_cost(
    n: int, u: np.ndarray, v: np.ndarray, cost: np.ndarray
) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """CSR adjacency with each list sorted by cost, and per-level ends of the cheap prefixes."""
    tails = np.concatenate([u, v])
    costs = np.concatenate([cost, cost])
    # One stable sort of a combined key: the same order as lexsort((costs, tails)), a third of
    # its time (0.40 -> 0.14 s for the 10,000-person round's million arcs).
    low = int(costs.min(initial=0))
    span = int(costs.max(initial=0)) - low + 1
    keyed = span * n < 2**62
    if keyed:
        key = tails * span + (costs - low)
        order = np.argsort(key, kind="stable")
        key = key[order]
    else:
        order = np.lexsort((costs, tails))
    heads = np.concatenate([v, u])[order]
    costs = costs[order]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(tails, minlength=n), out=indptr[1:])
    positive = costs[costs > 0]
    step = float(np.median(positive)) / 64 if positive.size else 1.0
    limits = [0.0]
    while positive.size and limits[-1] < positive.max():
        limits.append(step * 4 ** (len(limits) - 1))
    level_ends = []
    for limit in limits[:-1]:
        # Index of the first arc above the limit within each vertex's sorted list: with the
        # sorted keys, one search per vertex (0.15 -> 0.02 s at 10k: no pass over the arcs).
        if keyed:
            last = np.arange(n, dtype=np.int64) * span + (int(np.floor(limit)) - low)
            level_ends.append(np.searchsorted(key, last, side="right"))
        else:
            level_ends.append(_first_at_or_after(indptr, np.flatnonzero(costs > limit)))
    level_ends.append(indptr[1:].copy())
    return indptr, heads, level_ends


def _first_at_or_after(indptr: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """For each vertex, the first of `positions` inside its CSR range (else its range end)."""
    # costs are sorted within each vertex, so above-limit arcs form a suffix of each range.
    n = indptr.size - 1
    ends = indptr[1:].copy()
    owner = np.searchsorted(indptr, positions, side="right") - 1
    first = np.r_[True, owner[1:] != owner[:-1]] if owner.size else np.zeros(0, bool)
    ends[owner[first]] = positions[first]
    return ends[:n]


def _matched_edges(mate: np.ndarray, u: np.ndarray, v: np.ndarray, n: int) -> np.ndarray:
    """Indices of the (sorted, canonical) edges that the mates use."""
    lo = np.flatnonzero((mate != UNMATCHED) & (mate > np.arange(n)))
    return np.asarray(np.searchsorted(u * n + v, lo * n + mate[lo]))


def _mate_weight(mate: np.ndarray, u: np.ndarray, v: np.ndarray, w: np.ndarray, n: int) -> int:
    """Total integer weight of the matching."""
    return int(w[_matched_edges(mate, u, v, n)].sum())


def _as_matching(
    mate: np.ndarray,
    u: np.ndarray,
    v: np.ndarray,
    weight: np.ndarray,
    n: int,
    *,
    exact: bool,
    upper_bound: float,
) -> Matching:
    """Package mates as sorted pairs with their weight in the caller's units."""
    edges = _matched_edges(mate, u, v, n)
    pairs = list(zip(u[edges].tolist(), v[edges].tolist(), strict=True))
    total = float(weight[edges].sum())
    return Matching(pairs=pairs, weight=total, exact=exact, upper_bound=max(upper_bound, total))
