"""Hard constraints: a pair that breaks one is never proposed, whatever its score."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from tandem_matching.domain.features import Features, encode, overlap_hours
from tandem_matching.domain.profile import Candidate
from tandem_matching.domain.scoring import ScoringPolicy


def violations(a: Candidate, b: Candidate, policy: ScoringPolicy) -> list[str]:
    """Every hard constraint the pair breaks, in plain words (empty when they may pair)."""
    found: list[str] = []
    if a.person_id == b.person_id:
        return ["a person cannot be paired with themselves"]
    gap = abs(a.level - b.level)
    if gap > policy.max_level_gap:
        found.append(f"level gap {gap} is above the program's {policy.max_level_gap}")
    if b.person_id in a.manager_chain or a.person_id in b.manager_chain:
        found.append("one is in the other's management chain")
    if b.person_id in a.previous_partners or a.person_id in b.previous_partners:
        found.append("they were already partners in this program")
    if not a.languages & b.languages:
        found.append("they share no language")
    features = encode([a, b])
    shared = float(overlap_hours(features.take(slice(0, 1)), features.take(slice(1, 2)))[0, 0])
    if shared + 1e-9 < policy.min_overlap_hours:
        needed = policy.min_overlap_hours
        found.append(f"their working hours overlap {shared:g} h, under the {needed:g} h needed")
    return found


def allowed(a: Features, b: Features, policy: ScoringPolicy) -> np.ndarray:
    """Rows × cols mask of pairs that pass the attribute constraints (level, language, hours).

    Constraints between particular people (manager chain, earlier partners, oneself) are
    applied by :func:`exclusions`, which knows the ids.
    """
    gap_ok = np.abs(a.level[:, None] - b.level[None, :]) <= policy.max_level_gap
    language_ok = (a.languages @ b.languages.T) > 0
    hours_ok = overlap_hours(a, b) + 1e-9 >= policy.min_overlap_hours
    return np.asarray(gap_ok & language_ok & hours_ok)


def exclusions(candidates: Sequence[Candidate]) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (u, v) that person-level constraints forbid: manager chains, past partners."""
    index = {c.person_id: i for i, c in enumerate(candidates)}
    us: list[int] = []
    vs: list[int] = []
    for i, c in enumerate(candidates):
        for other in c.manager_chain | c.previous_partners:
            j = index.get(other)
            if j is not None and j != i:
                us.append(min(i, j))
                vs.append(max(i, j))
    return np.array(us, dtype=np.int64), np.array(vs, dtype=np.int64)
