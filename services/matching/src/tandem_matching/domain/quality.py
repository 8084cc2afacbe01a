"""A round's quality as an admin judges it: sizes, scores, mixing, optimality, who stayed out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tandem_matching.domain.candidates import ALL_PAIRS
from tandem_matching.domain.features import Features, encode, overlap_hours
from tandem_matching.domain.profile import Candidate
from tandem_matching.domain.scoring import ScoringPolicy

# What keeps two people apart, in the words the report uses, most specific first.
KEPT_APART = {
    "level_gap": "their level is too far from everyone else's",
    "language": "they share no language with anyone else",
    "hours": "their working hours overlap too little with anyone else's",
    "manager_chain": "everyone else is in their management chain",
    "met_before": "they already met everyone else in this program",
}


@dataclass(frozen=True)
class RoundQuality:
    """Counts, the score distribution, the LP bound and gap, and why each person stayed out."""

    pairs: int
    triads: int
    people_matched: int
    cross_department_pairs: int
    score_min: float
    score_median: float
    score_mean: float
    score_max: float
    total_score: float
    lp_bound: float
    gap: float
    gap_percent: float
    unmatched_because: dict[str, str]
    bound_over: str = ALL_PAIRS


def assess(
    groups: Sequence[Sequence[Candidate]],
    scores: Sequence[float],
    solved: tuple[float, float],
    unmatched: dict[str, str],
    pool: Sequence[Candidate],
    policy: ScoringPolicy,
    *,
    bound_over: str = ALL_PAIRS,
) -> RoundQuality:
    """The report of a plan of ``groups`` (with ``scores``) out of ``pool``.

    ``solved`` is the pair matching's (weight, LP upper bound): the gap says how far the pairs
    could at most be from the best possible, before odd ones out join pairs as triads, among
    the pairs ``bound_over`` names.
    """
    values = np.asarray(scores, dtype=np.float64) if scores else np.zeros(1)
    total = round(float(np.sum(scores)), 2)
    weight, upper_bound = solved
    bound = round(max(upper_bound, weight), 2)
    gap = round(bound - weight, 2)
    return RoundQuality(
        pairs=sum(1 for g in groups if len(g) == 2),
        triads=sum(1 for g in groups if len(g) == 3),
        people_matched=sum(len(g) for g in groups),
        cross_department_pairs=sum(1 for g in groups if len({m.department for m in g}) > 1),
        score_min=round(float(values.min()), 2),
        score_median=round(float(np.median(values)), 2),
        score_mean=round(float(values.mean()), 2),
        score_max=round(float(values.max()), 2),
        total_score=total,
        lp_bound=bound,
        gap=gap,
        gap_percent=round(100 * gap / bound, 3) if bound else 0.0,
        unmatched_because=_why(unmatched, pool, policy),
        bound_over=bound_over,
    )


def _why(
    unmatched: dict[str, str], pool: Sequence[Candidate], policy: ScoringPolicy
) -> dict[str, str]:
    alone = [i for i, c in enumerate(pool) if unmatched.get(c.person_id) == "no_compatible_peer"]
    why = {p: "odd one out: everyone they could meet was paired" for p in unmatched}
    if not alone or len(pool) < 2:
        return {p: "nobody else is in the pool" if len(pool) < 2 else w for p, w in why.items()}
    features = encode(pool)
    for i in alone:
        counts = _blocked_by(pool, features, i, policy)
        top = max(counts, key=lambda k: counts[k])
        why[pool[i].person_id] = f"{KEPT_APART[top]} ({counts[top]} of {len(pool) - 1} peers)"
    return why


def _blocked_by(
    pool: Sequence[Candidate], features: Features, i: int, policy: ScoringPolicy
) -> dict[str, int]:
    """How many peers each constraint keeps away from person ``i``."""
    me, everyone = features.take(slice(i, i + 1)), features
    others = np.arange(len(pool)) != i
    person = pool[i]
    barred = person.manager_chain | {
        c.person_id for c in pool if person.person_id in c.manager_chain
    }
    met = person.previous_partners | {
        c.person_id for c in pool if person.person_id in c.previous_partners
    }
    ids = np.array([c.person_id for c in pool])
    masks = {
        "level_gap": np.abs(everyone.level - me.level[0]) > policy.max_level_gap,
        "language": (me.languages @ everyone.languages.T)[0] == 0,
        "hours": overlap_hours(me, everyone)[0] + 1e-9 < policy.min_overlap_hours,
        "manager_chain": np.isin(ids, list(barred)),
        "met_before": np.isin(ids, list(met)),
    }
    return {k: int(np.count_nonzero(m & others)) for k, m in masks.items()}
