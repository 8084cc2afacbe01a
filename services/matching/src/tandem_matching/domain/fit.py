"""The score's components for many pairs at once: how well two people fit, part by part.

Each part lies in [0, 1] (level_gap is a penalty); docs/decisions/0007-matching-scoring.md
says why each is there. ``paired`` scores row i with row i instead of every row with every row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from tandem_matching.domain.features import Features, across, overlap_hours

if TYPE_CHECKING:
    from tandem_matching.domain.scoring import ScoringPolicy

_OPENNESS, _CONSCIENTIOUSNESS, _STABILITY = 0, 1, 4
# The only answers personality scoring reads (the others may differ freely).
TRAITS_SCORED = [_OPENNESS, _CONSCIENTIOUSNESS, _STABILITY]


def components(
    a: Features, b: Features, policy: ScoringPolicy, *, paired: bool = False
) -> dict[str, np.ndarray]:
    """Each component for every (row of ``a``, row of ``b``) pair as rows × cols arrays, or for
    row i of ``a`` with row i of ``b`` when ``paired``."""

    def dot(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.asarray((x * y).sum(1) if paired else x @ y.T)

    a_gives = dot(a.offered, b.sought)  # skills a offers that b wants
    b_gives = dot(a.sought, b.offered)
    # One skill each way already counts most (0.8); more skills add less and less.
    low, high = np.minimum(a_gives, b_gives), np.maximum(a_gives, b_gives)  # same both ways
    skills = (2 - 0.2**low - 0.2**high) / 2
    shared = dot(a.goals, b.goals)
    size_a, size_b = across(a.goals.sum(1), b.goals.sum(1), paired)
    sizes = np.sqrt(size_a * size_b)
    goals = np.divide(shared, sizes, out=np.zeros_like(shared), where=sizes > 0)
    level_a, level_b = across(a.level, b.level, paired)
    return {
        "skills": skills.astype(np.float64),
        "goals": goals.astype(np.float64),
        "work_style": _work_style(a, b, paired),
        "personality": _personality(a, b, paired),
        "cross_team": _cross_team(a, b, policy.cross_team, paired),
        "level_gap": np.abs(level_a - level_b) / max(1, policy.max_level_gap),
    }


def _work_style(a: Features, b: Features, paired: bool) -> np.ndarray:
    sa, sb = across(a.style, b.style, paired)
    style = np.where(sa == sb, 1.0, np.where((sa == 2) | (sb == 2), 0.75, 0.0))
    ea, eb = across(a.every_days, b.every_days, paired)
    cadence = np.clip(1 - np.abs(np.log2(ea / eb)) / 3, 0, 1)
    ma, mb = across(a.minutes, b.minutes, paired)
    length = np.clip(1 - np.abs(ma - mb) / 60, 0, 1)
    ta, tb = across(a.time_of_day, b.time_of_day, paired)
    time_of_day = np.where((ta == tb) | (ta == 0) | (tb == 0), 1.0, 0.3)
    overlap = np.minimum(overlap_hours(a, b, paired=paired) / 4, 1)
    return np.asarray(
        0.25 * style + 0.2 * cadence + 0.1 * length + 0.2 * time_of_day + 0.25 * overlap
    )


def _personality(a: Features, b: Features, paired: bool) -> np.ndarray:
    pa, pb = across(a.personality, b.personality, paired)
    similar = 1 - np.abs(pa - pb) / 4
    steadiest = (np.maximum(pa[..., _STABILITY], pb[..., _STABILITY]) - 1) / 4
    value = 0.4 * similar[..., _CONSCIENTIOUSNESS] + 0.3 * similar[..., _OPENNESS] + 0.3 * steadiest
    return np.asarray(np.where(np.isnan(value), 0.5, value))


def _cross_team(a: Features, b: Features, preference: str, paired: bool) -> np.ndarray:
    da, db = across(a.department, b.department, paired)
    same = da == db
    if preference == "prefer_other_departments":
        return np.asarray((~same).astype(np.float64))
    if preference == "prefer_same_department":
        return np.asarray(same.astype(np.float64))
    return np.zeros(same.shape)
