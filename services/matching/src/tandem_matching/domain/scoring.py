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

from tandem_matching.domain.features import Features, encode, overlap_hours
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
_OPENNESS, _CONSCIENTIOUSNESS, _STABILITY = 0, 1, 4
# Pairs scored together: a block costs block² cells, of which only the diagonal is kept.
_PAIRS_PER_BLOCK = 128


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


def components(a: Features, b: Features, policy: ScoringPolicy) -> dict[str, np.ndarray]:
    """Each component for every (row of ``a``, row of ``b``) pair, as rows × cols arrays."""
    a_gives = a.offered @ b.sought.T  # skills a offers that b wants
    b_gives = a.sought @ b.offered.T
    # One skill each way already counts most (0.8); more skills add less and less.
    low, high = np.minimum(a_gives, b_gives), np.maximum(a_gives, b_gives)  # same both ways
    skills = (2 - 0.2**low - 0.2**high) / 2
    shared = a.goals @ b.goals.T
    sizes = np.sqrt(a.goals.sum(1)[:, None] * b.goals.sum(1)[None, :])
    goals = np.divide(shared, sizes, out=np.zeros_like(shared), where=sizes > 0)
    return {
        "skills": skills.astype(np.float64),
        "goals": goals.astype(np.float64),
        "work_style": _work_style(a, b),
        "personality": _personality(a, b),
        "cross_team": _cross_team(a, b, policy.cross_team),
        "level_gap": np.abs(a.level[:, None] - b.level[None, :]) / max(1, policy.max_level_gap),
    }


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
    thousands of pairs are scored in blocks instead, keeping each block's diagonal.
    """
    if not pairs:
        return []
    features = encode([person for pair in pairs for person in pair])
    firsts, seconds = np.arange(0, 2 * len(pairs), 2), np.arange(1, 2 * len(pairs), 2)
    scored: list[PairScore] = []
    for start in range(0, len(pairs), _PAIRS_PER_BLOCK):
        left = features.take(firsts[start : start + _PAIRS_PER_BLOCK])
        right = features.take(seconds[start : start + _PAIRS_PER_BLOCK])
        parts = components(left, right, policy)
        values = np.diagonal(total(parts, policy)).tolist()
        diagonal = {k: np.diagonal(v).tolist() for k, v in parts.items()}
        for i, value in enumerate(values):
            kept = {k: round(float(v[i]), 3) for k, v in diagonal.items()}
            scored.append(PairScore(float(value), kept))
    return scored


def _work_style(a: Features, b: Features) -> np.ndarray:
    sa, sb = a.style[:, None], b.style[None, :]
    style = np.where(sa == sb, 1.0, np.where((sa == 2) | (sb == 2), 0.75, 0.0))
    cadence = np.clip(1 - np.abs(np.log2(a.every_days[:, None] / b.every_days[None, :])) / 3, 0, 1)
    length = np.clip(1 - np.abs(a.minutes[:, None] - b.minutes[None, :]) / 60, 0, 1)
    ta, tb = a.time_of_day[:, None], b.time_of_day[None, :]
    time_of_day = np.where((ta == tb) | (ta == 0) | (tb == 0), 1.0, 0.3)
    overlap = np.minimum(overlap_hours(a, b) / 4, 1)
    return np.asarray(
        0.25 * style + 0.2 * cadence + 0.1 * length + 0.2 * time_of_day + 0.25 * overlap
    )


def _personality(a: Features, b: Features) -> np.ndarray:
    pa, pb = a.personality[:, None, :], b.personality[None, :, :]
    similar = 1 - np.abs(pa - pb) / 4
    steadiest = (np.maximum(pa[..., _STABILITY], pb[..., _STABILITY]) - 1) / 4
    value = 0.4 * similar[..., _CONSCIENTIOUSNESS] + 0.3 * similar[..., _OPENNESS] + 0.3 * steadiest
    return np.asarray(np.where(np.isnan(value), 0.5, value))


def _cross_team(a: Features, b: Features, preference: str) -> np.ndarray:
    same = a.department[:, None] == b.department[None, :]
    if preference == "prefer_other_departments":
        return np.asarray((~same).astype(np.float64))
    if preference == "prefer_same_department":
        return np.asarray(same.astype(np.float64))
    return np.zeros(same.shape)
