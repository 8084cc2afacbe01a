"""Level blocks ranked, and edges rescored, on two threads give the graph one thread gives
(decision 0041)."""

from __future__ import annotations

from unittest.mock import patch

import numpy as np
from hypothesis import given, settings

from tandem_matching.domain import candidates
from tandem_matching.domain.candidates import CandidateGraph, build_graph
from tandem_matching.domain.profile import Candidate, Personality
from tandem_matching.domain.scoring import ScoringPolicy

from .candidates_strategy import person, pools

SKILLS = ["sql", "python", "design", "negotiation", "writing", "finance"]


def _company(n: int) -> list[Candidate]:
    """n people over six levels, with skills, departments and answers that vary."""
    return [
        person(
            f"p{i:04d}",
            level=1 + i * 7 % 6,
            department=f"d{i % 5}",
            skills_offered=frozenset({SKILLS[i % 6], SKILLS[i * 5 % 6]}),
            skills_sought=frozenset({SKILLS[(i * 3 + 1) % 6]}),
            personality=Personality(*(1 + (i * p) // 7 % 5 for p in (1, 3, 7, 11, 13))),
        )
        for i in range(n)
    ]


def _both(pool: list[Candidate], policy: ScoringPolicy, **options: int | None) -> None:
    graphs: list[CandidateGraph] = []
    for threads in (1, 2):
        # Small slices of edges: several are rescored at once, and must come back in order.
        with (
            patch.object(candidates, "RANKING_THREADS", threads),
            patch.object(candidates, "RESCORED_PER_SLICE", 1000),
        ):
            graphs.append(build_graph(pool, policy, **options))  # type: ignore[arg-type]
    one, two = graphs
    assert np.array_equal(one.us, two.us)
    assert np.array_equal(one.vs, two.vs)
    assert np.array_equal(one.ws, two.ws)
    assert (one.complete, one.sampled) == (two.complete, two.sampled)


def test_a_large_pool_ranked_on_two_threads_gives_the_same_graph() -> None:
    # Groups of 500 are ranked in several chunks each.
    _both(_company(3000), ScoringPolicy.of(max_level_gap=2), top_k=4, sampled_columns=None)


def test_samples_are_drawn_on_one_thread_in_the_blocks_order() -> None:
    # The draws of a sampled group follow the blocks' order: threads would shuffle them.
    with patch.object(candidates, "ThreadPoolExecutor", side_effect=AssertionError("threads")):
        graph = build_graph(_company(3000), ScoringPolicy.of(), top_k=4, sampled_columns=200)
    assert graph.sampled


@settings(max_examples=40)
@given(pool=pools(max_size=14))
def test_small_pools_give_the_same_graph_on_two_threads(pool: list[Candidate]) -> None:
    _both(pool, ScoringPolicy.of(max_level_gap=1), top_k=2)
