"""The compatibility score: explainable components, weighted per program policy.

Every component lies in [0, 1]; the score is 100 × the weighted mean of the positive
components, minus the weighted level-gap penalty, never below 0. See
docs/decisions/0007-matching-scoring.md for why each part is there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tandem_matching.domain.features import Features, encode
from tandem_matching.domain.fit import components
from tandem_matching.domain.profile import Candidate

DEFAULT_WEIGHTS: dict[str, float] = {
    "skills": 0.30,
    "goals": 0.25,
    "work_style": 0.20,
    "personality": 0.15,
    "cross_team": 0.10,
    "level_gap": 0.10,
}
CRITERIA = frozenset(DEFAULT_WEIGHTS)
# Pairs scored together (row i with row i): bounds the temporary arrays.
_PAIRS_PER_SLICE = 65_536


@dataclass(frozen=True)
class ScoringPolicy:
    """What scoring and the hard constraints take from a program's matching policy."""

    weights: Mapping[str, float]
    max_level_gap: int = 1
    cross_team: str = "prefer_other_departments"
    min_overlap_hours: float = 2.0
    allow_triads: bool = True

    @classmethod
    def of(cls, weights: Mapping[str, float] | None = None, **rest: Any) -> ScoringPolicy:
        """A policy whose weights are the defaults overridden by ``weights``."""
        merged = {**DEFAULT_WEIGHTS, **{k: float(v) for k, v in (weights or {}).items()}}
        return cls(weights=merged, **rest)


@dataclass(frozen=True)
class PairScore:
    """A pair's score and its parts, each part in [0, 1] (level_gap is a penalty)."""

    total: float
    components: dict[str, float]


def total(parts: Mapping[str, np.ndarray], policy: ScoringPolicy) -> np.ndarray:
    """The weighted score in [0, 100], rounded to hundredths (exact on the solver's grid)."""
    w = policy.weights
    positive = sorted(
        c
        for c in CRITERIA - {"level_gap"}
        if not (c == "cross_team" and policy.cross_team == "indifferent")
    )
    # Float noise (a·b vs b·a) must not tip a score across a rounding boundary: A–B == B–A.
    parts = {k: np.round(v, 9) for k, v in parts.items()}
    norm = sum(max(0.0, w.get(c, 0.0)) for c in positive) or 1.0
    gain = sum(max(0.0, w.get(c, 0.0)) * parts[c] for c in positive)
    penalty = max(0.0, w.get("level_gap", 0.0)) * np.minimum(parts["level_gap"], 1.0)
    return np.asarray(np.round(np.clip(100 * (gain - penalty) / norm, 0, 100), 2))


def score_pair(a: Candidate, b: Candidate, policy: ScoringPolicy) -> PairScore:
    """Score one pair (symmetric), with its components."""
    return score_pairs([(a, b)], policy)[0]


def score_pairs(
    pairs: Sequence[tuple[Candidate, Candidate]], policy: ScoringPolicy
) -> list[PairScore]:
    """Score many pairs at once, each as :func:`score_pair` would.

    Encoding and numpy's fixed cost per call dominate one small pair (about 3 ms): a round's
    thousands of pairs are scored together, row i of the first members with row i of the
    second, in slices that bound the memory.
    """
    if not pairs:
        return []
    features = encode([person for pair in pairs for person in pair])
    firsts, seconds = np.arange(0, 2 * len(pairs), 2), np.arange(1, 2 * len(pairs), 2)
    return scores_of(features, firsts, seconds, policy)


def scores_of(
    features: Features, firsts: np.ndarray, seconds: np.ndarray, policy: ScoringPolicy
) -> list[PairScore]:
    """Row ``firsts[i]`` of ``features`` with row ``seconds[i]``, as :func:`score_pairs`."""
    scored: list[PairScore] = []
    for start in range(0, firsts.size, _PAIRS_PER_SLICE):
        left = features.take(firsts[start : start + _PAIRS_PER_SLICE])
        right = features.take(seconds[start : start + _PAIRS_PER_SLICE])
        values, parts = scored_pairs(left, right, policy)
        listed = {k: v.tolist() for k, v in parts.items()}
        for i, value in enumerate(values.tolist()):
            scored.append(PairScore(value, {k: round(v[i], 3) for k, v in listed.items()}))
    return scored


def scored_pairs(
    a: Features, b: Features, policy: ScoringPolicy
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Totals and components of row i of ``a`` with row i of ``b``, for every i."""
    parts = components(a, b, policy, paired=True)
    return total(parts, policy), parts
