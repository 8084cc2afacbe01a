"""The candidate graph: every allowed pair worth considering, scored, without all n² pairs.

People are blocked by level: a level only meets the levels within the policy's gap. Inside a
block, rows are scored in chunks with numpy and each person keeps their ``top_k`` best
candidates, so a large pool gives a sparse graph (about ``top_k`` edges per person).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tandem_matching.domain.constraints import allowed, exclusions
from tandem_matching.domain.features import Features, encode
from tandem_matching.domain.profile import Candidate
from tandem_matching.domain.scoring import ScoringPolicy, components, total

CHUNK_ROWS = 512


@dataclass(frozen=True)
class CandidateGraph:
    """Edges u < v (indices into the candidate list) with their scores."""

    n: int
    us: np.ndarray
    vs: np.ndarray
    ws: np.ndarray

    def degree(self) -> np.ndarray:
        """How many candidates each person has."""
        return np.bincount(np.concatenate([self.us, self.vs]), minlength=self.n)


def build_graph(
    candidates: Sequence[Candidate], policy: ScoringPolicy, *, top_k: int | None = 50
) -> CandidateGraph:
    """Score the allowed pairs, block by level, and keep each person's ``top_k`` best."""
    features = encode(candidates)
    by_level: dict[int, np.ndarray] = {}
    for level in np.unique(features.level):
        by_level[int(level)] = np.flatnonzero(features.level == level)
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for level, rows in by_level.items():
        for gap in range(policy.max_level_gap + 1):
            cols = by_level.get(level + gap)
            if cols is not None:
                parts.extend(_block(features, rows, cols, policy, top_k, same=gap == 0))
    if parts:
        us, vs, ws = (np.concatenate(column) for column in zip(*parts, strict=True))
    else:
        us, vs, ws = np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    us, vs, ws = _without_exclusions(len(candidates), us, vs, ws, exclusions(candidates))
    return CandidateGraph(len(candidates), us, vs, ws)


def _block(
    features: Features,
    rows: np.ndarray,
    cols: np.ndarray,
    policy: ScoringPolicy,
    top_k: int | None,
    *,
    same: bool,
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Scored edges between two level groups, chunk by chunk."""
    found = []
    right = features.take(cols)
    for start in range(0, rows.size, CHUNK_ROWS):
        chunk = rows[start : start + CHUNK_ROWS]
        left = features.take(chunk)
        score = total(components(left, right, policy), policy)
        ok = allowed(left, right, policy) & (chunk[:, None] != cols[None, :])
        score = np.where(ok, score, -1.0)
        if top_k is not None and cols.size > top_k:
            keep = np.argpartition(-score, top_k - 1, axis=1)[:, :top_k]
            mask = np.zeros_like(ok)
            np.put_along_axis(mask, keep, True, axis=1)
            ok &= mask
        r, c = np.nonzero(ok)
        u, v = chunk[r], cols[c]
        found.append((np.minimum(u, v), np.maximum(u, v), score[r, c]))
    return found


def _without_exclusions(
    n: int, us: np.ndarray, vs: np.ndarray, ws: np.ndarray, banned: tuple[np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Drop repeated edges (a pair seen from both sides) and the person-level exclusions."""
    us, vs = us.astype(np.int64), vs.astype(np.int64)
    key = us * n + vs
    key, first = np.unique(key, return_index=True)
    us, vs, ws = us[first], vs[first], ws[first]
    if banned[0].size:
        keep = ~np.isin(key, banned[0] * n + banned[1])
        us, vs, ws = us[keep], vs[keep], ws[keep]
    return us, vs, ws.astype(np.float64)
