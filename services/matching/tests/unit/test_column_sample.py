"""Very large level groups are ranked against seeded samples of their people (decision 0032)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem_matching.domain.candidates import best_candidates, build_graph
from tandem_matching.domain.profile import Candidate, Personality
from tandem_matching.domain.scoring import ScoringPolicy

from .candidates_strategy import person, pools

POLICY = ScoringPolicy.of(max_level_gap=0)


def _crowd(n: int) -> list[Candidate]:
    """n people of one level group who may all meet, with varied skills and departments."""
    skills = ["sql", "python", "design", "negotiation", "writing"]
    return [
        person(
            f"p{i:03d}",
            department=f"d{i % 4}",
            skills_offered=frozenset({skills[i % 5]}),
            skills_sought=frozenset({skills[(i * 3 + 1) % 5]}),
            personality=Personality(*(1 + (i * p) // 7 % 5 for p in (1, 3, 7, 11, 13))),
        )
        for i in range(n)
    ]


def _edges(graph_of: list[Candidate], **options: int | None) -> set[tuple[int, int]]:
    graph = build_graph(graph_of, POLICY, top_k=3, **options)  # type: ignore[arg-type]
    return set(zip(graph.us.tolist(), graph.vs.tolist(), strict=True))


def test_the_same_pool_gives_the_same_sampled_graph_and_says_it_was_sampled() -> None:
    crowd = _crowd(120)
    first = build_graph(crowd, POLICY, top_k=3, sampled_columns=10)
    again = build_graph(list(crowd), POLICY, top_k=3, sampled_columns=10)
    assert first.sampled
    assert not first.complete
    assert np.array_equal(first.us, again.us)
    assert np.array_equal(first.vs, again.vs)
    assert np.array_equal(first.ws, again.ws)
    # A sample, not the full ranking: some of the full graph's edges are not there.
    assert _edges(crowd, sampled_columns=10) != _edges(crowd, sampled_columns=None)


def test_nobody_is_their_own_candidate_whether_sampled_or_not() -> None:
    # Each person seeks exactly the skill they offer, which nobody else has: left unbarred,
    # they would be their own best candidate.
    crowd = [
        person(f"p{i:03d}", skills_offered=frozenset({f"s{i}"}), skills_sought=frozenset({f"s{i}"}))
        for i in range(300)
    ]
    for sampled_columns in (None, 40):
        graph = build_graph(crowd, POLICY, top_k=3, sampled_columns=sampled_columns)
        assert graph.us.size > 0
        assert not np.any(graph.us == graph.vs)


def test_a_sample_is_drawn_per_chunk_so_nobody_is_left_to_a_favoured_few() -> None:
    crowd = _crowd(1200)  # more rows than one chunk: several draws
    graph = build_graph(crowd, POLICY, top_k=3, sampled_columns=50)
    degree = graph.degree()
    assert degree.min() >= 3
    # One fixed sample would give only its 50 people more than their own 3 edges.
    assert np.count_nonzero(degree > 3) > 100


@settings(max_examples=40)
@given(pool=pools(max_size=14), top_k=st.integers(1, 4))
def test_below_the_limit_the_graph_is_the_full_ranking(pool: list[Candidate], top_k: int) -> None:
    policy = ScoringPolicy.of(max_level_gap=1)
    sampled = build_graph(pool, policy, top_k=top_k, sampled_columns=len(pool))
    full = build_graph(pool, policy, top_k=top_k, sampled_columns=None)
    assert not sampled.sampled
    assert np.array_equal(sampled.us, full.us)
    assert np.array_equal(sampled.vs, full.vs)
    assert np.array_equal(sampled.ws, full.ws)
    assert sampled.complete == full.complete


def test_the_bound_says_when_people_were_ranked_among_a_sample() -> None:
    assert "random" in best_candidates(POLICY, sampled=True)
    assert "random" not in best_candidates(POLICY)
    assert best_candidates(POLICY, sampled=True).endswith("better than lp_bound")
