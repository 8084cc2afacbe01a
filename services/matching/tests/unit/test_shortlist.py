"""The shortlist ranks pairs as the exact scorer would, and keeps each person's best ones."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from tandem_matching.domain.candidates import build_graph
from tandem_matching.domain.constraints import violations
from tandem_matching.domain.features import encode
from tandem_matching.domain.fit import components
from tandem_matching.domain.profile import Candidate
from tandem_matching.domain.scoring import ScoringPolicy
from tandem_matching.domain.shortlist import BARRED, shortlist

from .candidates_strategy import pools

POLICIES = st.builds(
    ScoringPolicy.of,
    st.fixed_dictionaries(
        {},
        optional={
            c: st.floats(0, 1)
            for c in ("skills", "goals", "work_style", "personality", "cross_team", "level_gap")
        },
    ),
    max_level_gap=st.integers(0, 2),
    cross_team=st.sampled_from(
        ["prefer_other_departments", "prefer_same_department", "indifferent"]
    ),
    min_overlap_hours=st.sampled_from([0.0, 2.0, 5.0]),
)


def _exact(pool: list[Candidate], policy: ScoringPolicy) -> np.ndarray:
    """Every pair's score before clipping and rounding, by the exact scorer."""
    f = encode(pool)
    parts = components(f, f, policy)
    w = {c: max(0.0, v) for c, v in policy.weights.items()}
    positive = ["skills", "goals", "work_style", "personality"]
    positive += [] if policy.cross_team == "indifferent" else ["cross_team"]
    gain = sum(w[c] * parts[c] for c in positive)
    penalty = w["level_gap"] * np.minimum(parts["level_gap"], 1.0)
    return np.asarray(100 * (gain - penalty) / (sum(w[c] for c in positive) or 1.0))


@given(pool=pools(max_size=12), policy=POLICIES)
def test_the_approximate_score_is_the_exact_one_and_bars_broken_constraints(
    pool: list[Candidate], policy: ScoringPolicy
) -> None:
    everyone = np.arange(len(pool))
    ranking = shortlist(encode(pool), policy)
    approximate = ranking.approximate(ranking.rows(everyone), ranking.cols(everyone))
    exact = _exact(pool, policy)
    for i, a in enumerate(pool):
        for j, b in enumerate(pool):
            # Constraints between people (manager chain, past partners) are not its business.
            rules = [v for v in violations(a, b, policy) if not ("chain" in v or "partners" in v)]
            if i == j:
                continue
            if rules:
                assert approximate[i, j] < -BARRED / 2
            else:
                assert abs(approximate[i, j] - exact[i, j]) < 1e-3


@given(pool=pools(max_size=14), top_k=st.integers(1, 4))
def test_each_person_keeps_their_best_candidates(pool: list[Candidate], top_k: int) -> None:
    policy = ScoringPolicy.of(max_level_gap=0)  # one level group each: one block per person
    graph = build_graph(pool, policy, top_k=top_k)
    kept = set(zip(graph.us.tolist(), graph.vs.tolist(), strict=True))
    exact = _exact(pool, policy)
    for i, a in enumerate(pool):
        allowed = [j for j, b in enumerate(pool) if j != i and not violations(a, b, policy)]
        scores = sorted((exact[i, j] for j in allowed), reverse=True)
        if len(scores) <= top_k:
            assert all((min(i, j), max(i, j)) in kept for j in allowed)
            continue
        # Anyone clearly better than the k-th best is kept (ties may go either way).
        for j in allowed:
            if exact[i, j] > scores[top_k - 1] + 1e-3:
                assert (min(i, j), max(i, j)) in kept


def test_past_partners_ranked_first_do_not_take_a_persons_only_places() -> None:
    """Past partners rank high (they were chosen for it); barred, they must not use up top_k."""
    alike = {"level": 2, "department": "eng", "languages": frozenset({"en"}), "work_hours": 8.0}
    pool = [
        Candidate(person_id="ana", name="Ana", previous_partners=frozenset({"ben"}), **alike),
        Candidate(person_id="ben", name="Ben", **{**alike, "department": "ops"}),
        Candidate(person_id="cy", name="Cy", **alike),
    ]
    graph = build_graph(pool, ScoringPolicy.of(max_level_gap=0), top_k=1)
    kept = set(zip(graph.us.tolist(), graph.vs.tolist(), strict=True))
    assert (0, 1) not in kept
    assert {(0, 2), (1, 2)} <= kept
