"""Peers a participant might ask: those the program's hard constraints allow, best first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tandem_matching.domain.constraints import allowed
from tandem_matching.domain.features import encode
from tandem_matching.domain.fit import components
from tandem_matching.domain.profile import Candidate
from tandem_matching.domain.reasons import reasons_for
from tandem_matching.domain.scoring import ScoringPolicy, total


@dataclass(frozen=True)
class Suggestion:
    """A peer, what a pair of the two would score, and why (nothing private)."""

    person_id: str
    name: str
    department: str
    score: float
    reasons: tuple[str, ...]


def suggest_peers(
    me: Candidate, others: Sequence[Candidate], policy: ScoringPolicy, limit: int
) -> list[Suggestion]:
    """The ``limit`` best-scoring peers ``me`` may pair with, scored in one vectorised pass."""
    pool = [o for o in others if _may_meet(me, o)]
    if not pool:
        return []
    features = encode([me, *pool])
    mine, theirs = features.take(slice(0, 1)), features.take(slice(1, None))
    ok = allowed(mine, theirs, policy)[0]
    scores = total(components(mine, theirs, policy), policy)[0]
    ranked = sorted(np.flatnonzero(ok).tolist(), key=lambda i: (-scores[i], pool[i].person_id))
    return [
        Suggestion(
            pool[i].person_id,
            pool[i].name,
            pool[i].department,
            float(scores[i]),
            tuple(reasons_for(me, pool[i], policy)),
        )
        for i in ranked[:limit]
    ]


def _may_meet(me: Candidate, other: Candidate) -> bool:
    """Person-level constraints: not oneself, no manager line, not partners before."""
    barred = me.manager_chain | me.previous_partners
    return (
        other.person_id != me.person_id
        and other.person_id not in barred
        and me.person_id not in other.manager_chain | other.previous_partners
    )
